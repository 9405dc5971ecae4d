using AmqpBroker.Core.Messages;

namespace AmqpBroker.Core.Exchanges;

/// <summary>Routes to every bound destination, whatever the routing key.</summary>
public sealed class FanoutExchange(ExchangeDefinition definition) : Exchange(definition)
{
    private volatile IBindingDestination[] _destinations = [];

    public override void Route(Message message, RoutingScratch scratch) => scratch.Destinations.AddRange(_destinations);

    protected override void OnBindingAdded(Binding binding) => Rebuild();

    protected override void OnBindingRemoved(Binding binding) => Rebuild();

    private void Rebuild() => _destinations = Bindings.Select(b => b.Destination).Distinct().ToArray();
}

/// <summary>The <c>fanout</c> type.</summary>
internal sealed class FanoutExchangeType : IExchangeType
{
    public string Name => ExchangeTypes.Fanout;

    public string Description => "AMQP fanout exchange, as per the AMQP specification";

    public Exchange Create(ExchangeDefinition definition) => new FanoutExchange(definition);
}
