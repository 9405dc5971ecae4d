using System.Text;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Sessions;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Protocol.Content;
using Microsoft.Extensions.Time.Testing;
using Queue = AmqpBroker.Core.Queues.Queue;

namespace AmqpBroker.Core.Tests.TestSupport;

/// <summary>
/// A fresh virtual host on a <see cref="FakeTimeProvider"/> clock per test, for queue features that depend on
/// time (message TTL, x-expires, x-death timestamps): advancing the clock runs what is due.
/// </summary>
public abstract class TimedBrokerFixture
{
    private ushort _nextChannel;

    internal FakeTimeProvider Time { get; private set; } = null!;

    /// <summary>What the virtual host shares with its broker (the clock, timers, counters).</summary>
    internal BrokerServices Services { get; private set; } = null!;

    internal VirtualHost VirtualHost { get; private set; } = null!;

    internal ClientConnection Connection { get; private set; } = null!;

    /// <summary>The RabbitMQ release the virtual host behaves as; fixtures of release-specific behaviour override it.</summary>
    private protected virtual VersionProfile Profile => VersionProfile.Default;

    [SetUp]
    public void CreateTimedVirtualHost()
    {
        Time = TestData.Clock();
        Services = TestData.Services(Profile, Time);
        VirtualHost = new VirtualHost("/", Services);
        Connection = TestData.Connection();
        _nextChannel = 0;
    }

    internal (Session Session, RecordingTarget Target) OpenSession()
    {
        var target = new RecordingTarget();
        return (new Session(Connection, ++_nextChannel, target), target);
    }

    /// <summary>basic.consume as the channel does it: register, (send consume-ok), activate.</summary>
    internal static Consumer Consume(Session session, Queue queue, string tag = "", bool noAck = false, IReadOnlyDictionary<string, object?>? arguments = null)
    {
        var consumer = session.Consume(queue, tag, noAck, exclusive: false, arguments ?? Protocol.Encoding.FieldTable.Empty);
        Session.Activate(consumer);
        return consumer;
    }

    internal Queue Declare(string name, params (string Key, object? Value)[] arguments) =>
        VirtualHost.DeclareQueue(TestData.QueueDefinition(name, arguments: arguments.ToDictionary(a => a.Key, a => a.Value)), Connection, passive: false);

    /// <summary>Moves the clock, which runs the timers that come due (message expiry, x-expires).</summary>
    internal void Advance(long milliseconds) => Time.Advance(TimeSpan.FromMilliseconds(milliseconds));

    /// <summary>A complete message holding the publisher's reference.</summary>
    internal static Message Message(string body, BasicProperties? properties = null, string routingKey = "rk", string exchange = "") =>
        Core.Messages.Message.Create(exchange, routingKey, (properties ?? new BasicProperties()).Encode(), Encoding.UTF8.GetBytes(body));

    /// <summary>Publishes through an exchange like a channel does (route, enqueue, release); returns whether every queue took it.</summary>
    internal bool Publish(string exchange, string routingKey, string body, BasicProperties? properties = null)
    {
        var message = Message(body, properties, routingKey, exchange);
        try
        {
            VirtualHost.Publish(VirtualHost.GetExchange(exchange), message, new RoutingScratch(), out var rejected);
            return !rejected;
        }
        finally
        {
            message.Release();
        }
    }

    /// <summary>Publishes to a queue through the default exchange.</summary>
    internal bool Publish(Queue queue, string body, BasicProperties? properties = null) => Publish(string.Empty, queue.Name, body, properties);

    /// <summary>basic.get with ack; returns the body and keeps the delivery unacked (its message stays readable).</summary>
    internal static GetOk? Get(Session session, RecordingTarget target, Queue queue) =>
        session.Get(queue, noAck: false) ? target.Gets[^1] : null;

    /// <summary>Takes everything ready with basic.get and acks it; returns the bodies in order.</summary>
    internal static List<string> Drain(Queue queue, Session session, RecordingTarget target)
    {
        var bodies = new List<string>();
        while (session.Get(queue, noAck: false))
        {
            var got = target.Gets[^1];
            bodies.Add(got.Body);
            session.Ack(got.DeliveryTag, multiple: false);
        }

        return bodies;
    }

    internal static BasicProperties PropertiesOf(Message message) => BasicProperties.Decode(message.Properties);
}
