using AmqpBroker.Core.Queues;

namespace AmqpBroker.Core.Policies;

/// <summary>
/// The definition keys of a policy that this broker acts on, typed; each queue type takes the ones it has.
/// Other valid keys (ha-*, cluster sizes, leader locators) are accepted for compatibility with RabbitMQ's
/// definitions and do nothing in a single-node broker.
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

    /// <summary>dead-letter-strategy (quorum queues).</summary>
    public DeadLetterStrategy? DeadLetterStrategy { get; init; }

    /// <summary>max-age of a stream, in milliseconds.</summary>
    public long? MaxAgeMs { get; init; }

    /// <summary>stream-max-segment-size-bytes.</summary>
    public long? MaxSegmentSizeBytes { get; init; }
}
