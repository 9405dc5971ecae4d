using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using AmqpBroker.Core.DeadLettering;
using AmqpBroker.Core.Queues;

namespace AmqpBroker.Core.Statistics;

/// <summary>How a queue dead-lettered a message, as RabbitMQ's dead_letter_strategy label names it.</summary>
public enum DeadLetterMode
{
    /// <summary>No dead-letter exchange (or one that does not exist): the message was dropped.</summary>
    Disabled,

    AtMostOnce,

    /// <summary>A quorum queue's at-least-once dead-lettering.</summary>
    AtLeastOnce,
}

/// <summary>
/// Messages queues gave up since start, by queue type (RabbitMQ's module name), mode and reason, and the
/// at-least-once dead letters every target queue took (rabbitmq_global_messages_dead_lettered_*). Counted
/// once per hand-over of a batch, on the dead-lettering path only.
/// </summary>
public sealed class DeadLetterTotals
{
    private readonly ConcurrentDictionary<(string QueueType, DeadLetterMode Mode, DeadLetterReason Reason), StrongBox<long>> _counts = new();
    private long _confirmed;

    /// <summary>At-least-once dead letters that reached every queue their dead-letter exchange routed them to.</summary>
    public long Confirmed => Volatile.Read(ref _confirmed);

    /// <summary>Messages of queues of <paramref name="queueType"/> (<c>rabbit_classic_queue</c>, <c>rabbit_quorum_queue</c>) given up for <paramref name="reason"/>.</summary>
    public long Count(string queueType, DeadLetterMode mode, DeadLetterReason reason) =>
        _counts.TryGetValue((queueType, mode, reason), out var count) ? Volatile.Read(ref count.Value) : 0;

    internal void Add(Queue queue, DeadLetterMode mode, DeadLetterReason reason, int count) =>
        Interlocked.Add(ref _counts.GetOrAdd((queue.Type.Capabilities.Module, mode, reason), static _ => new StrongBox<long>()).Value, count);

    internal void AddConfirmed(int count) => Interlocked.Add(ref _confirmed, count);
}
