using AmqpBroker.Core.Profiles;

namespace AmqpBroker.FrameworkTests.Support;

/// <summary>
/// Base of the framework fixtures: one <see cref="TestBroker"/> per fixture, which runs once per release as the
/// interop suite does: 3.10 (the RabbitMQ on this machine), 4.2 (the default profile) and 4.3 (which refuses
/// transient non-exclusive queues and global QoS unless permitted). Against <c>AMQP_URI</c> only the instance of
/// that broker's release runs (<c>AMQP_RABBITMQ_VERSION</c>, else 3.10).
/// </summary>
[TestFixture("3.10")]
[TestFixture("4.2")]
[TestFixture("4.3")]
public abstract class BrokerFixture(string release)
{
    /// <summary>Upper bound for anything that is expected to happen.</summary>
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private protected TestBroker Broker { get; private set; } = null!;

    /// <summary>Whether the fixture's in-process broker keeps its data on disk, so that a test can restart it.</summary>
    protected virtual bool OnDisk => false;

    /// <summary>The deprecated features the in-process broker permits beyond its release's defaults, as an application's <c>rabbitmq.conf</c> would.</summary>
    protected virtual DeprecatedFeatures Permitted { get; } = new();

    [OneTimeSetUp]
    public async Task StartBrokerAsync()
    {
        var external = Environment.GetEnvironmentVariable("AMQP_RABBITMQ_VERSION") is { Length: > 0 } version ? version : "3.10";
        if (TestBroker.IsExternal && release != external)
        {
            Assert.Ignore($"the broker at AMQP_URI is RabbitMQ {external}; this instance runs as {release}");
        }

        Broker = await TestBroker.StartAsync(release, OnDisk, Permitted);
    }

    [OneTimeTearDown]
    public async Task StopBrokerAsync()
    {
        if (Broker is not null)
        {
            await Broker.DisposeAsync();
        }
    }
}
