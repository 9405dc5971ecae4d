using AmqpBroker.Core.Messages;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// A message's place in one queue: its arrival order there, when it expires (Unix milliseconds,
/// <see cref="Never"/> when it does not), how often it came back after a delivery, and how many of those
/// returns were failed deliveries (its consumer's channel or connection went away; RabbitMQ 4.3 counts only these).
/// A queue holds one per ready message, so the redelivered flag shares its int with the delivery count (never
/// negative): 32 bytes instead of 40, 8 MB less for a million queued messages.
/// </summary>
public readonly record struct QueueEntry(Message Message, long Sequence, bool Redelivered, long ExpiresAt = QueueEntry.Never, int DeliveryCount = 0, int FailedDeliveries = 0)
{
    public const long Never = long.MaxValue;

    private const int RedeliveredFlag = int.MinValue;

    private readonly int _deliveries = (Redelivered ? RedeliveredFlag : 0) | DeliveryCount;

    public bool Redelivered
    {
        get => (_deliveries & RedeliveredFlag) != 0;
        init => _deliveries = value ? _deliveries | RedeliveredFlag : _deliveries & ~RedeliveredFlag;
    }

    public int DeliveryCount
    {
        get => _deliveries & ~RedeliveredFlag;
        init => _deliveries = (_deliveries & RedeliveredFlag) | value;
    }

    public bool IsExpired(long nowMs) => ExpiresAt <= nowMs;

    /// <summary>The entry after a return; <paramref name="failed"/> when the delivery failed rather than being handed back.</summary>
    public QueueEntry AsRedelivered(bool failed = false) =>
        this with { Redelivered = true, DeliveryCount = DeliveryCount + 1, FailedDeliveries = FailedDeliveries + (failed ? 1 : 0) };
}
