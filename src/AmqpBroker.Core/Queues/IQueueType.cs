using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// One queue type, as RabbitMQ's <c>rabbit_queue_type</c>: the <c>x-queue-type</c> value that selects it, its
/// rules for a declaration (which arguments it takes and how, which durable/exclusive/auto-delete combinations
/// it allows, whether the server may name it), which policy keys it takes, its rules for a consumer, and the
/// queue it creates, including where that queue keeps its messages. A broker knows the types in its
/// <see cref="QueueTypeRegistry"/>.
/// </summary>
internal interface IQueueType
{
    /// <summary>The <c>x-queue-type</c> value (<c>classic</c>, <c>quorum</c>, <c>stream</c>).</summary>
    string Name { get; }

    /// <summary>The arguments it has and how RabbitMQ names it in error texts.</summary>
    QueueTypeCapabilities Capabilities { get; }

    /// <summary>Whether it allows these durable/exclusive/auto-delete flags (a virtual host's default type applies only then).</summary>
    bool Allows(QueueDefinition definition);

    /// <summary>
    /// Checks a new queue's declaration by this type's rules (<paramref name="serverNamed"/>: the client left the
    /// name to the server) and returns the arguments it will run with; throws with RabbitMQ's code and text otherwise.
    /// </summary>
    QueueArguments Validate(QueueDefinition definition, bool serverNamed);

    /// <summary>The declared arguments combined with the policy keys this type has.</summary>
    QueueArguments WithPolicy(QueueArguments declared, PolicySettings? policy);

    /// <summary>Checks a basic.consume on <paramref name="queue"/> by this type's rules, before the consumer exists.</summary>
    void CheckConsume(Queue queue, in ConsumeRequest request);

    /// <summary>
    /// Creates the queue. One that keeps messages across restarts opens its store here and hands back what
    /// the store still held in <paramref name="recovered"/>, for <see cref="Queue.Recover"/>.
    /// </summary>
    Queue Create(QueueDefinition definition, QueueArguments arguments, QueueContext context, out IReadOnlyList<RecoveredEntry> recovered);
}
