using AmqpBroker.Core.Arguments;

namespace AmqpBroker.Core.Exchanges;

/// <summary>A binding: messages routed by <see cref="Source"/> with a matching key reach <see cref="Destination"/>.</summary>
public sealed record Binding(Exchange Source, IBindingDestination Destination, string RoutingKey, IReadOnlyDictionary<string, object?> Arguments)
{
    public bool Matches(IBindingDestination destination, string routingKey, IReadOnlyDictionary<string, object?> arguments) =>
        ReferenceEquals(Destination, destination) && RoutingKey == routingKey && FieldTableComparer.Instance.Equals(Arguments, arguments);
}
