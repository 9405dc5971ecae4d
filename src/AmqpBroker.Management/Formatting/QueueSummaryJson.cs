using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Queues.Quorum;
using AmqpBroker.Core.Queues.Stream;
using AmqpBroker.Management.Json;

namespace AmqpBroker.Management.Formatting;

/// <summary>
/// A queue as RabbitMQ 3.10.8 lists it with <c>disable_stats=true</c> (rabbit_mgmt_wm_queues:basic; every field checked
/// with curl): definition, type, state <c>live</c>, its node (a quorum queue its leader, members and online replicas)
/// and its policy if it has one. With <c>enable_queue_totals=true</c> it is rabbit_amqqueue:collect_info_all's answer
/// instead: state <c>running</c>, the three message counts, <c>exclusive</c> null for quorum queues and streams, and
/// for a stream neither node nor counts but <c>totals</c> and <c>type_specific</c> null. One queue (GET
/// /api/queues/{vhost}/{name}) is the first shape without the policy. Fields in RabbitMQ's (alphabetical) order.
/// </summary>
internal static class QueueSummaryJson
{
    /// <param name="queue">The queue.</param>
    /// <param name="totals">Whether <c>enable_queue_totals=true</c> was asked for.</param>
    /// <param name="withPolicy">Whether the policy is shown (lists only).</param>
    /// <param name="node">The node's name.</param>
    public static JsonObject Create(Queue queue, bool totals, bool withPolicy, string node)
    {
        var definition = queue.Definition;
        var fields = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["arguments"] = FieldTableJson.ToJson(definition.Arguments),
            ["auto_delete"] = definition.AutoDelete,
            ["durable"] = definition.Durable,
            ["exclusive"] = totals && queue is QuorumQueue or StreamQueue ? null : definition.Exclusive,
            ["name"] = queue.Name,
            ["state"] = totals ? "running" : "live",
            ["type"] = queue.TypeName,
            ["vhost"] = definition.VirtualHost,
        };
        AddPlacement(fields, queue, totals, node);
        if (totals && queue is not StreamQueue)
        {
            fields["messages"] = queue.ReadyCount + (long)queue.UnackedCount + QueueTypeFields.HeldElsewhere(queue);
            fields["messages_ready"] = (long)queue.ReadyCount;
            fields["messages_unacknowledged"] = (long)queue.UnackedCount;
        }

        if (withPolicy && queue.PolicyName is { } policy)
        {
            fields["policy"] = policy;
        }

        var json = new JsonObject();
        foreach (var (name, value) in fields)
        {
            json[name] = value;
        }

        return json;
    }

    /// <summary>Where the queue runs: a quorum queue's leader and replicas, a stream's node (null totals with them), a classic queue's node.</summary>
    private static void AddPlacement(SortedDictionary<string, JsonNode?> fields, Queue queue, bool totals, string node)
    {
        switch (queue)
        {
            case QuorumQueue:
                fields["leader"] = node;
                fields["members"] = new JsonArray(node);
                fields["online"] = new JsonArray(node);
                break;
            case StreamQueue when totals:
                fields["totals"] = null;
                fields["type_specific"] = null;
                break;
            default:
                fields["node"] = node;
                break;
        }
    }
}
