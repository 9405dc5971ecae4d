using AmqpBroker.Core.Queues;

namespace AmqpBroker.Core.Policies;

/// <summary>
/// The definition keys of a policy that this broker acts on, typed. Other valid keys (ha-*, quorum and
/// stream settings) are accepted for compatibility with RabbitMQ's definitions and do nothing
/// in a single-node broker of classic queues.
/// </summary>
internal sealed record PolicySettings
{
    public long? MessageTtl { get; init; }

    public long? Expires { get; init; }

    public long? MaxLength { get; init; }

    public long? MaxLengthBytes { get; init; }

    public OverflowBehaviour? Overflow { get; init; }

    public string? DeadLetterExchange { get; init; }

    public string? DeadLetterRoutingKey { get; init; }

    public long? DeliveryLimit { get; init; }

    public string? AlternateExchange { get; init; }

    /// <summary>queue-mode: true for "lazy", false for "default".</summary>
    public bool? Lazy { get; init; }
}
