using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Sessions;
using AmqpBroker.Core.VirtualHosts;

namespace AmqpBroker.Core.Tests.TestSupport;

/// <summary>
/// A fresh virtual host (of a broker behaving as RabbitMQ 3.10, the release the expectations were checked
/// against) and client connection per test, with helpers to open sessions on it.
/// </summary>
public abstract class BrokerFixture
{
    private ushort _nextChannel;

    internal VirtualHost VirtualHost { get; private set; } = null!;

    internal ClientConnection Connection { get; private set; } = null!;

    /// <summary>The RabbitMQ release the virtual host behaves as; fixtures of release-specific behaviour override it.</summary>
    private protected virtual VersionProfile Profile => TestData.Settings().Profile;

    [SetUp]
    public void CreateVirtualHost()
    {
        VirtualHost = new VirtualHost("/", TestData.Services(Profile));
        Connection = TestData.Connection();
        _nextChannel = 0;
    }

    internal (Session Session, RecordingTarget Target) OpenSession(ClientConnection? connection = null)
    {
        var target = new RecordingTarget();
        return (new Session(connection ?? Connection, ++_nextChannel, target), target);
    }

    /// <summary>basic.consume as the channel does it: register, (send consume-ok), activate.</summary>
    internal static Consumer Consume(Session session, Core.Queues.Queue queue, string tag = "", bool noAck = false, bool exclusive = false)
    {
        var consumer = session.Consume(queue, tag, noAck, exclusive, Protocol.Encoding.FieldTable.Empty);
        Session.Activate(consumer);
        return consumer;
    }
}
