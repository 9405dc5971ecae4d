using System.Buffers;
using System.Text;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.Storage;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Encoding;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AmqpBroker.Core.Tests.TestSupport;

/// <summary>Builders for the broker objects the tests need.</summary>
internal static class TestData
{
    /// <summary>A property list with no properties set: just the flag word.</summary>
    private static readonly byte[] NoProperties = [0, 0];

    /// <summary>
    /// A clock that moves only when a test says so, starting at 2026-01-01. Tests run the virtual host's tick
    /// themselves, so nothing waits on its timers.
    /// </summary>
    public static FakeTimeProvider Clock() => new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>Settings of a broker behaving as <paramref name="release"/>; the unit tests' RabbitMQ is 3.10 unless they say otherwise.</summary>
    public static BrokerSettings Settings(string release = "3.10") => new() { Profile = VersionProfile.For(RabbitMqRelease.Parse(release)) };

    /// <summary>What a virtual host of a broker behaving as <paramref name="release"/> shares (its exchange and queue types too).</summary>
    public static BrokerServices Services(string release = "3.10", TimeProvider? time = null, IMessageStore? messages = null, ILoggerFactory? loggers = null) =>
        Services(Settings(release).Profile, time, messages, loggers);

    /// <summary>What a virtual host of a broker behaving as <paramref name="profile"/>'s release shares.</summary>
    public static BrokerServices Services(VersionProfile profile, TimeProvider? time = null, IMessageStore? messages = null, ILoggerFactory? loggers = null) => new()
    {
        Settings = new BrokerSettings { Profile = profile },
        ExchangeTypes = ExchangeTypeRegistry.For(profile),
        QueueTypes = QueueTypeRegistry.CreateBuiltIn(profile),
        Time = time ?? TimeProvider.System,
        Messages = messages ?? new NoMessageStore(),
        Loggers = loggers ?? NullLoggerFactory.Instance,
    };

    public static ClientConnection Connection(string name = "127.0.0.1:50000 -> 127.0.0.1:5672", string virtualHost = "/") =>
        new(name, new User("guest", PasswordHasher.Hash("guest"), []), virtualHost, FieldTable.Empty, DateTimeOffset.UnixEpoch, static _ => { });

    /// <summary>A complete message holding one reference (the publisher's), as the channel hands it to routing.</summary>
    public static Message Message(string body, string routingKey = "rk", string exchange = "")
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var message = new Message(exchange, routingKey, NoProperties, ContentSummary.Read(NoProperties), bytes.Length);
        Assert.That(message.TryAppendBody(new ReadOnlySequence<byte>(bytes)), Is.True);
        Assert.That(message.IsComplete, Is.True);
        return message;
    }

    public static QueueDefinition QueueDefinition(
        string name,
        bool durable = false,
        bool exclusive = false,
        bool autoDelete = false,
        IReadOnlyDictionary<string, object?>? arguments = null,
        string virtualHost = "/") =>
        new(name, virtualHost, durable, exclusive, autoDelete, arguments ?? FieldTable.Empty);

    public static ExchangeDefinition ExchangeDefinition(
        string name,
        string type,
        bool durable = false,
        bool autoDelete = false,
        bool isInternal = false,
        IReadOnlyDictionary<string, object?>? arguments = null,
        string virtualHost = "/") =>
        new(name, virtualHost, type, durable, autoDelete, isInternal, arguments ?? FieldTable.Empty);

    public static Queue DeclareQueue(this VirtualHost vhost, ClientConnection owner, string name, bool exclusive = false, bool autoDelete = false) =>
        vhost.DeclareQueue(QueueDefinition(name, exclusive: exclusive, autoDelete: autoDelete), owner, passive: false);

    /// <summary>Publishes like a channel does: route, enqueue, then let go of the publisher's reference.</summary>
    public static int Publish(this VirtualHost vhost, string exchange, string routingKey, string body)
    {
        var message = Message(body, routingKey, exchange);
        try
        {
            return vhost.Publish(vhost.GetExchange(exchange), message, new RoutingScratch(), out _);
        }
        finally
        {
            message.Release();
        }
    }

    /// <summary>Puts messages straight into a queue, releasing the publisher's reference as routing would.</summary>
    public static void EnqueueAll(this Queue queue, params string[] bodies)
    {
        foreach (var body in bodies)
        {
            var message = Message(body);
            queue.Enqueue(message);
            message.Release();
        }
    }

    public static bool IsReleased(Message message)
    {
        try
        {
            _ = message.Body;
            return false;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }
}
