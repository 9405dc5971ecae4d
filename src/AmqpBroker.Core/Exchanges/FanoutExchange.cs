using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Queues;

namespace AmqpBroker.Core.Exchanges;

/// <summary>Routes to every bound queue, whatever the routing key.</summary>
public sealed class FanoutExchange(ExchangeDefinition definition) : Exchange(definition)
{
    private volatile Queue[] _queues = [];

    public override void Route(Message message, List<Queue> destinations) => destinations.AddRange(_queues);

    protected override void OnBindingsChanged(IReadOnlyCollection<Binding> bindings) =>
        _queues = bindings.Select(b => b.Destination).Distinct().ToArray();
}
