using System.Collections.Frozen;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Queues;

namespace AmqpBroker.Core.Exchanges;

/// <summary>Routes to the queues bound with exactly the message's routing key.</summary>
public sealed class DirectExchange(ExchangeDefinition definition) : Exchange(definition)
{
    private volatile FrozenDictionary<string, Queue[]> _routes = FrozenDictionary<string, Queue[]>.Empty;

    public override void Route(Message message, List<Queue> destinations)
    {
        if (_routes.TryGetValue(message.RoutingKey, out var queues))
        {
            destinations.AddRange(queues);
        }
    }

    protected override void OnBindingsChanged(IReadOnlyCollection<Binding> bindings) =>
        _routes = bindings
            .GroupBy(b => b.RoutingKey, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Select(b => b.Destination).Distinct().ToArray(), StringComparer.Ordinal);
}
