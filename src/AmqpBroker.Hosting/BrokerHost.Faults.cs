using AmqpBroker.Core.Testing.Faults;

namespace AmqpBroker.Hosting;

/// <summary>The test toolkit's faults on demand.</summary>
public sealed partial class BrokerHost
{
    /// <summary>
    /// Faults on demand, for tests of how clients cope: close or drop connections, stall them, nack publishes,
    /// refuse declares, raise alarms, cancel consumers, slow deliveries.
    /// <code>
    /// broker.Faults.CloseConnections(FaultScope.ForConnection("orders-api"));   // 320 CONNECTION_FORCED
    /// broker.Faults.NackPublishes(FaultScope.ForQueue("orders"), count: 2);
    /// </code>
    /// </summary>
    public BrokerFaults Faults => Broker.Faults;
}
