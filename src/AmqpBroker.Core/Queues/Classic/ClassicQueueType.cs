using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Queues.Classic;

/// <summary>
/// RabbitMQ's classic queue, the default type: any mix of durable, exclusive and auto-delete, server-named
/// queues, the classic x-arguments (no delivery limit, no dead-letter strategy: RabbitMQ refuses those), and,
/// when durable and not exclusive, its persistent messages kept in the broker's message store (a log per
/// queue) and read back at start.
/// </summary>
internal sealed class ClassicQueueType(QueueTypeCapabilities capabilities, KnownArguments known) : IQueueType
{
    public string Name => "classic";

    public QueueTypeCapabilities Capabilities => capabilities;

    public bool Allows(QueueDefinition definition) => true;

    public QueueArguments Validate(QueueDefinition definition, bool serverNamed) =>
        QueueArgumentRules.Parse(definition, capabilities, known);

    /// <summary>rabbit_classic_queue's unsupported_policies: the stream and quorum keys do not apply.</summary>
    public QueueArguments WithPolicy(QueueArguments declared, PolicySettings? policy) =>
        declared.WithPolicy(policy is null ? null : policy with { DeliveryLimit = null, DeadLetterStrategy = null, MaxAgeMs = null, MaxSegmentSizeBytes = null });

    public void CheckConsume(Queue queue, in ConsumeRequest request) =>
        ConsumerArgumentRules.Check(queue, request.Arguments, capabilities, known);

    public Queue Create(QueueDefinition definition, QueueArguments arguments, QueueContext context, out IReadOnlyList<RecoveredEntry> recovered)
    {
        recovered = [];
        var log = definition.Durable && context.ExclusiveOwner is null
            ? context.Messages.OpenQueue(definition.VirtualHost, definition.Name, out recovered)
            : null;
        return new ClassicQueue(definition, arguments, context, log);
    }
}
