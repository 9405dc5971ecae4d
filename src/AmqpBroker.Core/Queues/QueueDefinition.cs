namespace AmqpBroker.Core.Queues;

/// <summary>What queue.declare fixed about a queue; a redeclare must match it.</summary>
public sealed record QueueDefinition(
    string Name,
    string VirtualHost,
    bool Durable,
    bool Exclusive,
    bool AutoDelete,
    IReadOnlyDictionary<string, object?> Arguments);
