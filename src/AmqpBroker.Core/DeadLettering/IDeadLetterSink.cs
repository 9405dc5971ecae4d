using AmqpBroker.Core.Queues;

namespace AmqpBroker.Core.DeadLettering;

/// <summary>
/// Receives the messages a queue lets go of without delivering them. Called outside the queue's lock;
/// takes over the entries' message references.
/// </summary>
public interface IDeadLetterSink
{
    void DeadLetter(Queue queue, List<QueueEntry> entries, DeadLetterReason reason);
}
