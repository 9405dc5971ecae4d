using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Queues.Quorum;
using AmqpBroker.Core.Queues.Stream;

namespace AmqpBroker.Management.Formatting;

/// <summary>
/// The fields RabbitMQ's management API shows only for some queue types: a quorum queue's leader, members and
/// online replicas (this node alone), open files, pending at-least-once dead letters and (4.3) delayed returns; a stream's members,
/// online replicas and readers (RabbitMQ 3.10.8's <c>GET /api/queues/{vhost}/{name}</c>, checked), (3.13+) its segments
/// and (4.2.8+) the time of its oldest chunk.
/// </summary>
internal static class QueueTypeFields
{
    /// <summary>Messages the queue holds besides its ready and unacked ones (pending dead letters, delayed returns).</summary>
    public static int HeldElsewhere(Queue queue) => queue is QuorumQueue quorum ? quorum.DeadLetterPendingCount + quorum.DelayedCount : 0;

    public static void Add(JsonObject json, Queue queue, ManagementContext context)
    {
        if (queue is StreamQueue stream)
        {
            // rabbit_stream_queue:i/2 at v3.10.8: the members and online replicas, and the readers on each node.
            json["members"] = new JsonArray(context.NodeName);
            json["online"] = new JsonArray(context.NodeName);
            json["readers"] = new JsonObject { [context.NodeName] = queue.ConsumerCount };
            var profile = context.Broker.Settings.Profile;
            if (profile.StreamSegmentsField)
            {
                json["segments"] = stream.SegmentCount;
            }

            if (profile.StreamFirstTimestamp != StreamFirstTimestamp.Absent)
            {
                var first = stream.FirstTimestamp;
                json["first_timestamp"] = first == 0 && profile.StreamFirstTimestamp == StreamFirstTimestamp.UnsetAsNull ? null : first;
            }
        }

        if (queue is QuorumQueue quorum)
        {
            AddReplicas(json, context.NodeName);
            json["open_files"] = new JsonObject { [context.NodeName] = 0 };
            json["messages_dlx"] = quorum.DeadLetterPendingCount;
            json["message_bytes_dlx"] = quorum.DeadLetterPendingBytes;
            if (context.Broker.Settings.Profile.QuorumDelayedRetry)
            {
                // rabbit_quorum_queue's queue stats at v4.3.0: the held-back returns and the configuration.
                json["messages_delayed"] = quorum.DelayedCount;
                json["delayed_retry"] = quorum.Arguments.DelayedRetry?.ToString() ?? "disabled";
            }

            if (context.Broker.Settings.Profile.QuorumActiveConsumerCtagField)
            {
                json["single_active_consumer_ctag"] = json["single_active_consumer_tag"]?.DeepClone();
                json.Remove("single_active_consumer_tag");
            }
        }
    }

    /// <summary>A replicated queue on one node: it leads and is the only member, and it is online.</summary>
    private static void AddReplicas(JsonObject json, string node)
    {
        json["leader"] = node;
        json["members"] = new JsonArray(node);
        json["online"] = new JsonArray(node);
    }
}
