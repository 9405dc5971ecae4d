namespace AmqpBroker.Testing.Tests.Support;

/// <summary>One in-process broker for the whole fixture, with the default options.</summary>
public abstract class SharedBrokerFixture
{
    protected BrokerHost Broker { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartBrokerAsync() => Broker = await BrokerHost.StartAsync(new BrokerOptions());

    [OneTimeTearDown]
    public async Task StopBrokerAsync() => await Broker.DisposeAsync();
}

/// <summary>One broker for the fixture, reset before every test: the pattern the toolkit is for.</summary>
public abstract class ResetBrokerFixture : SharedBrokerFixture
{
    [SetUp]
    public Task ResetBrokerAsync() => Broker.ResetAsync();
}
