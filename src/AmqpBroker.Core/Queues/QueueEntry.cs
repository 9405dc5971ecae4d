using AmqpBroker.Core.Messages;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// A message's place in one queue: its arrival order there, when it expires (Unix milliseconds,
/// <see cref="Never"/> when it does not), how often it came back after a delivery, and how many of those
/// returns were failed deliveries (its consumer's channel or connection went away; RabbitMQ 4.3 counts only these).
/// </summary>
public readonly record struct QueueEntry(Message Message, long Sequence, bool Redelivered, long ExpiresAt = QueueEntry.Never, int DeliveryCount = 0, int FailedDeliveries = 0)
{
    public const long Never = long.MaxValue;

    public bool IsExpired(long nowMs) => ExpiresAt <= nowMs;

    /// <summary>The entry after a return; <paramref name="failed"/> when the delivery failed rather than being handed back.</summary>
    public QueueEntry AsRedelivered(bool failed = false) =>
        this with { Redelivered = true, DeliveryCount = DeliveryCount + 1, FailedDeliveries = FailedDeliveries + (failed ? 1 : 0) };
}
