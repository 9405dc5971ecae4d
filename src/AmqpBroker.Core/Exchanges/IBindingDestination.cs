namespace AmqpBroker.Core.Exchanges;

/// <summary>What a binding can lead to: a queue, or another exchange (exchange-to-exchange bindings).</summary>
public interface IBindingDestination
{
    string Name { get; }

    /// <summary>Survives a restart: declared durable (and, for a queue, not exclusive).</summary>
    bool IsDurable { get; }
}
