using AmqpBroker.Core.Queues;

namespace AmqpBroker.Core.Exchanges;

/// <summary>A queue.bind: messages routed by <see cref="Source"/> with a matching key reach <see cref="Destination"/>.</summary>
public sealed record Binding(Exchange Source, Queue Destination, string RoutingKey, IReadOnlyDictionary<string, object?> Arguments)
{
    public bool Matches(Exchange source, Queue destination, string routingKey, IReadOnlyDictionary<string, object?> arguments) =>
        ReferenceEquals(Source, source) && ReferenceEquals(Destination, destination)
        && RoutingKey == routingKey && FieldTableComparer.Instance.Equals(Arguments, arguments);
}
