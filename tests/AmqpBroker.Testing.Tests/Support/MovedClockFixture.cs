using Microsoft.Extensions.Time.Testing;

namespace AmqpBroker.Testing.Tests.Support;

/// <summary>A broker per test on a clock the test moves, with a connection and a channel to it.</summary>
public abstract class MovedClockFixture
{
    protected FakeTimeProvider Clock { get; private set; } = null!;

    protected BrokerHost Broker { get; private set; } = null!;

    protected IChannel Channel { get; private set; } = null!;

    private IConnection Connection { get; set; } = null!;

    [SetUp]
    public async Task StartBrokerAsync()
    {
        Clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
        Broker = await BrokerHost.StartAsync(new BrokerOptions { TimeProvider = Clock });
        (Connection, Channel) = await Client.ConnectWithChannelAsync(Broker.AmqpUri);
    }

    [TearDown]
    public async Task StopBrokerAsync()
    {
        await Connection.DisposeAsync();
        await Broker.DisposeAsync();
    }
}
