using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Sessions;
using AmqpBroker.Management.Json;
using AmqpBroker.Management.Statistics;

namespace AmqpBroker.Management.Formatting;

/// <summary>A queue as RabbitMQ's management API shows it: definition, lengths with rates, consumers, stats, and its type's own fields.</summary>
internal static class QueueJson
{
    /// <summary>Rough bytes per queued message besides its body (entry, bookkeeping), for the "memory" figure.</summary>
    private const int PerMessageOverhead = 64;

    /// <param name="queue">The queue to describe.</param>
    /// <param name="consumers">The queue's consumers, found through the connections that own them.</param>
    /// <param name="context">The broker and its statistics.</param>
    public static JsonObject Create(Queue queue, IReadOnlyList<Consumer> consumers, ManagementContext context)
    {
        var definition = queue.Definition;
        var rates = context.Rates;
        var (ready, unacked, readyBytes) = (queue.ReadyCount, queue.UnackedCount, queue.ReadyBytes);
        var json = new JsonObject
        {
            ["name"] = queue.Name,
            ["vhost"] = definition.VirtualHost,
            ["durable"] = definition.Durable,
            ["auto_delete"] = definition.AutoDelete,
            ["exclusive"] = definition.Exclusive,
            ["arguments"] = FieldTableJson.ToJson(definition.Arguments),
            ["node"] = context.NodeName,
            ["type"] = queue.TypeName,
            ["state"] = "running",
            ["policy"] = queue.PolicyName,
            ["operator_policy"] = queue.OperatorPolicy?.Name,
            ["effective_policy_definition"] = FieldTableJson.ToJson(queue.EffectivePolicyDefinition),
            ["consumers"] = queue.ConsumerCount,
            ["exclusive_consumer_tag"] = consumers.FirstOrDefault(c => c.Exclusive)?.Tag,
            ["single_active_consumer_tag"] = queue.ActiveConsumer?.Tag,
            ["memory"] = MemoryEstimate(queue),
            ["message_bytes_ready"] = readyBytes,
            ["message_stats"] = MessageStatsJson.ForQueue(queue.Counters, queue, rates),
        };
        MessageStatsJson.AddRated(json, "messages", ready + unacked + QueueTypeFields.HeldElsewhere(queue), rates.Rate(queue, SampledValue.Messages));
        MessageStatsJson.AddRated(json, "messages_ready", ready, rates.Rate(queue, SampledValue.MessagesReady));
        MessageStatsJson.AddRated(json, "messages_unacknowledged", unacked, rates.Rate(queue, SampledValue.MessagesUnacknowledged));
        QueueTypeFields.Add(json, queue, context);
        if (queue.ExclusiveOwner is { } owner)
        {
            json["owner_pid_details"] = new JsonObject
            {
                ["name"] = owner.Name,
                ["peer_host"] = owner.Details.PeerHost,
                ["peer_port"] = owner.Details.PeerPort,
            };
        }

        return json;
    }

    /// <summary>The "memory" figure: bytes of ready messages plus a rough per-message overhead for every message held.</summary>
    public static long MemoryEstimate(Queue queue) => queue.ReadyBytes + ((long)(queue.ReadyCount + queue.UnackedCount) * PerMessageOverhead);

    /// <summary>A single queue (GET /api/queues/{vhost}/{name}) adds its consumers.</summary>
    public static JsonObject CreateDetailed(Queue queue, IReadOnlyList<Consumer> consumers, ManagementContext context)
    {
        var json = Create(queue, consumers, context);
        json["consumer_details"] = new JsonArray([.. consumers.Select(c => ConsumerJson.Create(c, context.NodeName))]);
        json["incoming"] = new JsonArray();
        json["deliveries"] = new JsonArray();
        return json;
    }
}
