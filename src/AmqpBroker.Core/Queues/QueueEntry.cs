using AmqpBroker.Core.Messages;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// A message's place in one queue: its arrival order there, when it expires (Unix milliseconds,
/// <see cref="Never"/> when it does not) and how often it was delivered before.
/// </summary>
public readonly record struct QueueEntry(Message Message, long Sequence, bool Redelivered, long ExpiresAt = QueueEntry.Never, int DeliveryCount = 0)
{
    public const long Never = long.MaxValue;

    public bool IsExpired(long nowMs) => ExpiresAt <= nowMs;

    public QueueEntry AsRedelivered() => this with { Redelivered = true, DeliveryCount = DeliveryCount + 1 };
}
