using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Queues.Classic;

/// <summary>
/// RabbitMQ's classic queue, the default type: any mix of durable, exclusive and auto-delete, the x-arguments
/// <see cref="QueueArguments"/> reads, and, when durable and not exclusive, its persistent messages kept in the
/// broker's message store (a log per queue) and read back at start.
/// </summary>
internal sealed class ClassicQueueType : IQueueType
{
    public string Name => "classic";

    public QueueArguments Validate(QueueDefinition definition) =>
        QueueArguments.Parse(definition.Arguments, QueueArguments.Describe(definition));

    public Queue Create(QueueDefinition definition, QueueArguments arguments, QueueContext context, out IReadOnlyList<RecoveredEntry> recovered)
    {
        recovered = [];
        var log = definition.Durable && context.ExclusiveOwner is null
            ? context.Messages.OpenQueue(definition.VirtualHost, definition.Name, out recovered)
            : null;
        return new Queue(definition, arguments, context, log);
    }
}
