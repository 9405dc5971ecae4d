using AmqpBroker.Core.Queues;

namespace AmqpBroker.Core.DeadLettering;

/// <summary>
/// Receives the messages a queue lets go of without delivering them. Called outside the queue's lock;
/// takes over the entries' message references.
/// </summary>
public interface IDeadLetterSink
{
    /// <summary>The broker's dead-letter counts; <see cref="DeadLetter"/> counts into it, an at-least-once worker counts there what it hands over and sees confirmed.</summary>
    Statistics.DeadLetterTotals Totals { get; }

    /// <summary>At most once: republished to the queue's dead-letter exchange where it routes, dropped otherwise.</summary>
    void DeadLetter(Queue queue, List<QueueEntry> entries, DeadLetterReason reason);

    /// <summary>
    /// At least once (a quorum queue's dead-letter worker): republishes <paramref name="entry"/> to the queues its
    /// dead-letter exchange routes it to that are not in <paramref name="reached"/>, adding each that takes it.
    /// True when it reached a queue and none refused it. The entry's message stays the caller's.
    /// </summary>
    bool DeliverAtLeastOnce(Queue queue, QueueEntry entry, DeadLetterReason reason, HashSet<string> reached);
}
