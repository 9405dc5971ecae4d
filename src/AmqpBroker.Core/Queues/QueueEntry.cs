using AmqpBroker.Core.Messages;

namespace AmqpBroker.Core.Queues;

/// <summary>A message's place in one queue: its arrival order there and whether it was delivered before.</summary>
public readonly record struct QueueEntry(Message Message, long Sequence, bool Redelivered)
{
    public QueueEntry AsRedelivered() => this with { Redelivered = true };
}
