using System.Text;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Sessions;
using AmqpBroker.Core.Storage;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Protocol.Content;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Queue = AmqpBroker.Core.Queues.Queue;

namespace AmqpBroker.Core.Tests.TestSupport;

/// <summary>A virtual host over a test's message store, on a fake clock, with what the store tests drive it by: declare, publish, get.</summary>
internal sealed class StoreBackedVirtualHost
{
    /// <param name="store">Where durable queues log and queues page.</param>
    /// <param name="release">The RabbitMQ release the virtual host behaves as.</param>
    /// <param name="loggers">Where the virtual host and its queues log; nowhere when null.</param>
    public StoreBackedVirtualHost(IMessageStore store, string release = "3.10", ILoggerFactory? loggers = null)
    {
        Time = TestData.Clock();
        VirtualHost = new VirtualHost("/", TestData.Services(release, Time, store, loggers));
    }

    public FakeTimeProvider Time { get; }

    public VirtualHost VirtualHost { get; }

    public ClientConnection Connection { get; } = TestData.Connection();

    public Queue Declare(string name, bool durable, params (string Key, object? Value)[] arguments) =>
        VirtualHost.DeclareQueue(TestData.QueueDefinition(name, durable: durable, arguments: arguments.ToDictionary(a => a.Key, a => a.Value)), Connection, passive: false);

    public (Session Session, RecordingTarget Target) OpenSession()
    {
        var target = new RecordingTarget();
        return (new Session(Connection, 1, target), target);
    }

    /// <summary>Publishes <paramref name="body"/> to <paramref name="queue"/> through the default exchange.</summary>
    public void Publish(string queue, string body, BasicProperties properties)
    {
        var message = Message.Create(string.Empty, queue, properties.Encode(), Encoding.UTF8.GetBytes(body));
        VirtualHost.Publish(VirtualHost.DefaultExchange, message, new RoutingScratch(), out _);
        message.Release();
    }

    /// <summary>Takes every ready message with basic.get (no ack), in order.</summary>
    public List<(string Body, bool Redelivered)> GetAll(Queue queue)
    {
        var (session, target) = OpenSession();
        var got = new List<(string, bool)>();
        while (session.Get(queue, noAck: true))
        {
            got.Add((target.Gets[^1].Body, target.Gets[^1].Redelivered));
        }

        return got;
    }
}
