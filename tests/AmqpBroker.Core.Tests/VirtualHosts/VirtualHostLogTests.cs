using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Protocol.Encoding;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace AmqpBroker.Core.Tests.VirtualHosts;

/// <summary>What a virtual host does without a client asking is logged, with event names an operator can filter on.</summary>
[TestFixture]
public sealed class VirtualHostLogTests
{
    private RecordingLoggers _loggers = null!;
    private FakeTimeProvider _time = null!;
    private VirtualHost _virtualHost = null!;
    private ClientConnection _connection = null!;

    [SetUp]
    public void CreateVirtualHost()
    {
        _loggers = new RecordingLoggers();
        _time = TestData.Clock();
        _virtualHost = new VirtualHost("/", new BrokerServices { Time = _time, Loggers = _loggers });
        _connection = TestData.Connection();
    }

    [TearDown]
    public void DisposeLoggers() => _loggers.Dispose();

    [Test]
    public void A_queue_deleted_by_x_expires_is_logged()
    {
        _virtualHost.DeclareQueue(TestData.QueueDefinition("idle", arguments: new Dictionary<string, object?> { ["x-expires"] = 1000 }), _connection, passive: false);

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.That(_virtualHost.FindQueue("idle"), Is.Null);
        Assert.That(_loggers.Entries, Has.One.Matches<LogEntry>(e => e != null &&
            e.EventName == "QueueExpired" && e.Level == LogLevel.Information && e.Category == VirtualHostLog.Category
            && e.Message == "vhost '/': queue 'idle' deleted, unused for 1000 ms (x-expires)"));
    }

    [Test]
    public void An_exclusive_queue_removed_with_its_connection_is_logged()
    {
        _virtualHost.DeclareQueue(_connection, "mine", exclusive: true);

        _virtualHost.OnConnectionClosed(_connection);

        Assert.That(_loggers.Entries, Has.One.Matches<LogEntry>(e => e != null && e.EventName == "ExclusiveQueueDeleted" && e.Message.Contains("'mine'", StringComparison.Ordinal)));
    }

    [Test]
    public void An_auto_delete_queue_losing_its_last_consumer_is_logged()
    {
        var queue = _virtualHost.DeclareQueue(_connection, "temp", autoDelete: true);
        var session = new Core.Sessions.Session(_connection, 1, new RecordingTarget());
        var consumer = session.Consume(queue, "c", noAck: true, exclusive: false, FieldTable.Empty);

        session.Cancel(consumer.Tag);

        Assert.That(_virtualHost.FindQueue("temp"), Is.Null);
        Assert.That(_loggers.Entries, Has.One.Matches<LogEntry>(e => e != null && e.EventName == "QueueAutoDeleted" && e.Message.Contains("'temp'", StringComparison.Ordinal)));
    }

    [Test]
    public void A_policy_put_in_force_on_an_existing_queue_and_removed_again_is_logged()
    {
        _virtualHost.DeclareQueue(_connection, "orders");
        var policy = new Policy("/", "limit", "^orders$", PolicyApplyTo.Queues, 0, new Dictionary<string, object?> { ["max-length"] = 10L });

        _virtualHost.PutPolicy(PolicyValidator.Compile(policy));
        _virtualHost.DeletePolicy("limit");

        Assert.That(_loggers.Entries.Where(e => e.Category == PolicyLog.Category).Select(e => (e.EventName, e.Message)), Is.EqualTo(new[]
        {
            ("PolicyApplied", "vhost '/': policy 'limit' applies to queue 'orders'"),
            ("PolicyCleared", "vhost '/': no policy applies to queue 'orders' any more"),
        }));
    }

    [Test]
    public void Declaring_creates_no_log_entries()
    {
        _virtualHost.DeclareQueue(_connection, "plain");

        Assert.That(_loggers.Entries, Is.Empty);
    }
}
