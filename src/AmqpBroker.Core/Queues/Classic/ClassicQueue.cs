using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Queues.Classic;

/// <summary>
/// RabbitMQ's classic queue: a <see cref="MessageQueue"/> that logs the persistent messages of a durable queue
/// (transient ones live in memory only) and redelivers returned messages without limit.
/// </summary>
public sealed class ClassicQueue : MessageQueue
{
    internal ClassicQueue(QueueDefinition definition, QueueArguments arguments, QueueContext context, IQueueLog? log)
        : base(definition, arguments, context, log, logsTransient: false, PriorityLevels.Classic(arguments.MaxPriority))
    {
    }

    /// <summary>A persistent message in a durable queue is confirmed once the store synced it.</summary>
    internal override bool NeedsSync(Message message) => IsDurable && message.Summary.IsPersistent;
}
