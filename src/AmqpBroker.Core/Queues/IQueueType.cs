using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// One queue type, as RabbitMQ's <c>rabbit_queue_type</c>: the <c>x-queue-type</c> value that selects it,
/// its rules for a declaration (which arguments it takes and how, which durable/exclusive/auto-delete
/// combinations it allows), and the queue it creates, including where that queue keeps its messages.
/// A broker knows the types in its <see cref="QueueTypeRegistry"/>.
/// </summary>
internal interface IQueueType
{
    /// <summary>The <c>x-queue-type</c> value (<c>classic</c>, <c>quorum</c>, <c>stream</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Checks a new queue's declaration by this type's rules and returns the arguments it will run with;
    /// throws 406 PRECONDITION_FAILED with RabbitMQ's text otherwise.
    /// </summary>
    QueueArguments Validate(QueueDefinition definition);

    /// <summary>
    /// Creates the queue. One that keeps messages across restarts opens its store here and hands back
    /// what the store still held in <paramref name="recovered"/>, for <see cref="Queue.Recover"/>.
    /// </summary>
    Queue Create(QueueDefinition definition, QueueArguments arguments, QueueContext context, out IReadOnlyList<RecoveredEntry> recovered);
}
