using AmqpBroker.Core.Profiles;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// How a queue orders ready messages by their <c>priority</c> property: how many FIFO levels it keeps, which
/// level a message joins, and whether dequeueing is strict (the highest non-empty level first) or RabbitMQ
/// 4.0's weighted two levels. A classic queue has 1 + x-max-priority strict levels; a quorum queue none in
/// 3.x, two weighted in 4.0–4.2 and 32 strict in 4.3.
/// </summary>
internal sealed class PriorityLevels
{
    /// <summary>RabbitMQ 4.0's rabbit_fifo_q WEIGHT: every third dequeue takes the older of the two heads.</summary>
    public const int WeightedTurn = 2;

    /// <summary>RabbitMQ 4.3's rabbit_fifo DEFAULT_PRIORITY, for a message without a priority.</summary>
    private const byte QuorumDefaultPriority = 4;

    private readonly byte _absent;

    private PriorityLevels(int count, bool weighted, byte absent = 0)
    {
        Count = count;
        Weighted = weighted;
        _absent = absent;
    }

    /// <summary>One level: arrival order only.</summary>
    public static PriorityLevels None { get; } = new(1, weighted: false);

    public int Count { get; }

    /// <summary>Two levels dequeued by weight instead of strictly.</summary>
    public bool Weighted { get; }

    /// <summary>A classic queue's levels: one per priority up to x-max-priority, higher ones counting as the highest.</summary>
    public static PriorityLevels Classic(byte? maxPriority) => maxPriority is { } max ? new(max + 1, weighted: false) : None;

    /// <summary>A quorum queue's levels in <paramref name="release"/>'s way (rabbit_fifo:priority_tag at v4.0.1, rabbit_fifo:msg_priority at v4.3.0).</summary>
    public static PriorityLevels Quorum(QuorumPriorities release) => release switch
    {
        QuorumPriorities.TwoLevels => new(2, weighted: true),
        QuorumPriorities.Strict32 => new(32, weighted: false, QuorumDefaultPriority),
        _ => None,
    };

    /// <summary>The level a message with <paramref name="summary"/> joins.</summary>
    public int LevelOf(in ContentSummary summary) =>
        LevelOf((summary.Flags & PropertyFlags.Priority) != 0 ? summary.Priority : _absent);

    /// <summary>The level of a message with priority <paramref name="priority"/> (as a log recovers it).</summary>
    public int LevelOf(byte priority) => Weighted
        ? (priority > QuorumDefaultPriority ? 1 : 0)
        : Math.Min(priority, Count - 1);
}
