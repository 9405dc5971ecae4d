using System.Collections.Concurrent;
using AmqpBroker.Core.Messages;

namespace AmqpBroker.Core.Exchanges;

/// <summary>Routes to the destinations bound with exactly the message's routing key (or one of its CC/BCC keys).</summary>
public sealed class DirectExchange(ExchangeDefinition definition) : Exchange(definition)
{
    /// <summary>Key → distinct destinations; each array is replaced whole, so readers see a consistent one.</summary>
    private readonly ConcurrentDictionary<string, IBindingDestination[]> _routes = new(StringComparer.Ordinal);

    public override void Route(Message message, RoutingScratch scratch)
    {
        RouteKey(message.RoutingKey, scratch);
        foreach (var key in scratch.SenderSelectedKeys)
        {
            RouteKey(key, scratch);
        }
    }

    private void RouteKey(string routingKey, RoutingScratch scratch)
    {
        if (_routes.TryGetValue(routingKey, out var bound))
        {
            scratch.Destinations.AddRange(bound);
        }
    }

    protected override void OnBindingAdded(Binding binding) => Rebuild(binding.RoutingKey);

    protected override void OnBindingRemoved(Binding binding) => Rebuild(binding.RoutingKey);

    private void Rebuild(string routingKey)
    {
        var bound = Bindings.Where(b => b.RoutingKey == routingKey).Select(b => b.Destination).Distinct().ToArray();
        if (bound.Length == 0)
        {
            _routes.TryRemove(routingKey, out _);
        }
        else
        {
            _routes[routingKey] = bound;
        }
    }
}

/// <summary>The <c>direct</c> type.</summary>
internal sealed class DirectExchangeType : IExchangeType
{
    public string Name => ExchangeTypes.Direct;

    public string Description => "AMQP direct exchange, as per the AMQP specification";

    public Exchange Create(ExchangeDefinition definition) => new DirectExchange(definition);
}
