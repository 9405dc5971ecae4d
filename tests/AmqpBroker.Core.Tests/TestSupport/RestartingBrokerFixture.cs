namespace AmqpBroker.Core.Tests.TestSupport;

/// <summary>
/// A fixture whose tests start brokers over a store they share, to see what one broker leaves for the next; every broker
/// a test starts is disposed after it.
/// </summary>
public abstract class RestartingBrokerFixture
{
    private readonly List<Broker> _brokers = [];

    [TearDown]
    public void DisposeBrokers()
    {
        foreach (var broker in _brokers)
        {
            broker.Dispose();
        }

        _brokers.Clear();
    }

    /// <summary>A broker over <paramref name="store"/> (none: nothing kept) with <paramref name="settings"/> (default: RabbitMQ's).</summary>
    protected Broker Start(Core.Storage.IDefinitionStore? store = null, BrokerSettings? settings = null)
    {
        var broker = new Broker(settings ?? new BrokerSettings(), TimeProvider.System, store);
        _brokers.Add(broker);
        return broker;
    }
}
