namespace AmqpBroker.Core.Exchanges;

/// <summary>What exchange.declare fixed about an exchange; a redeclare must match it.</summary>
public sealed record ExchangeDefinition(
    string Name,
    string VirtualHost,
    string Type,
    bool Durable,
    bool AutoDelete,
    bool Internal,
    IReadOnlyDictionary<string, object?> Arguments);
