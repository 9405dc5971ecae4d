namespace AmqpBroker.FrameworkTests.Support;

/// <summary>Base of the framework fixtures: one <see cref="TestBroker"/> per fixture, in-process or at <c>AMQP_URI</c>.</summary>
public abstract class BrokerFixture
{
    /// <summary>Upper bound for anything that is expected to happen.</summary>
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private protected TestBroker Broker { get; private set; } = null!;

    /// <summary>Whether the fixture's in-process broker keeps its data on disk, so that a test can restart it.</summary>
    protected virtual bool OnDisk => false;

    [OneTimeSetUp]
    public async Task StartBrokerAsync() => Broker = await TestBroker.StartAsync(OnDisk);

    [OneTimeTearDown]
    public async Task StopBrokerAsync() => await Broker.DisposeAsync();
}
