using AmqpBroker.Core.Errors;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// What quorum queues and streams share as replicated types (rabbit_queue_type_util at v3.10.8): only durable,
/// non-exclusive, non-auto-delete declarations, checked in RabbitMQ's order with its texts.
/// </summary>
internal static class ReplicatedTypeRules
{
    public static bool Allows(QueueDefinition definition) => definition is { Durable: true, Exclusive: false, AutoDelete: false };

    public static void CheckProperties(QueueDefinition definition)
    {
        var property = definition switch
        {
            { AutoDelete: true } => "auto-delete",
            { Exclusive: true } => "exclusive-owner",
            { Durable: false } => "non-durable",
            _ => null,
        };
        if (property is not null)
        {
            throw AmqpException.PreconditionFailed($"invalid property '{property}' for {QueueArguments.Describe(definition)}");
        }
    }
}
