using AmqpBroker.Core.Messages;

namespace AmqpBroker.Core.Exchanges;

/// <summary>Routes to every bound destination, whatever the routing key.</summary>
public sealed class FanoutExchange(ExchangeDefinition definition) : Exchange(definition)
{
    private volatile IBindingDestination[] _destinations = [];

    public override void Route(Message message, List<IBindingDestination> destinations) => destinations.AddRange(_destinations);

    protected override void OnBindingAdded(Binding binding) => Rebuild();

    protected override void OnBindingRemoved(Binding binding) => Rebuild();

    private void Rebuild() => _destinations = Bindings.Select(b => b.Destination).Distinct().ToArray();
}
