namespace AmqpBroker.Core.Exchanges;

/// <summary>
/// An exchange whose routing ignores binding keys and arguments and looks only at which destinations are bound
/// (fanout, x-local-random). It keeps them, each once, in an array rebuilt on every binding change, so routing
/// reads it without a lock.
/// </summary>
public abstract class KeylessExchange(ExchangeDefinition definition) : Exchange(definition)
{
    private volatile IBindingDestination[] _destinations = [];

    /// <summary>The bound destinations, each once, as of the last binding change.</summary>
    protected IBindingDestination[] Destinations => _destinations;

    protected sealed override void OnBindingAdded(Binding binding) => Rebuild();

    protected sealed override void OnBindingRemoved(Binding binding) => Rebuild();

    private void Rebuild() => _destinations = Bindings.Select(b => b.Destination).Distinct().ToArray();
}
