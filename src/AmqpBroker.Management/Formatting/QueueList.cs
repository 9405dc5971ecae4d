using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Sessions;
using AmqpBroker.Core.Statistics;
using AmqpBroker.Management.Json;
using AmqpBroker.Management.Statistics;

namespace AmqpBroker.Management.Formatting;

/// <summary>
/// /api/queues as a <see cref="ListSource{T}"/>: the fields a queue list is usually sorted by are read from
/// the queues themselves (each exactly as <see cref="QueueJson"/> writes it), so sorting and paging 10,000
/// queues builds the JSON of one page only.
/// </summary>
internal static class QueueList
{
    public static ListSource<Queue> Create(IEnumerable<Queue> queues, ILookup<Queue, Consumer> consumers, ManagementContext context) =>
        new([.. queues], queue => QueueJson.Create(queue, [.. consumers[queue]], context), queue => queue.Name, Fields(context.Rates));

    /// <summary>The list asked for with <c>disable_stats=true</c>: each queue as <see cref="QueueSummaryJson"/>, with its message counts when <paramref name="totals"/>.</summary>
    public static ListSource<Queue> WithoutStatistics(IEnumerable<Queue> queues, bool totals, ManagementContext context) =>
        new([.. queues], queue => QueueSummaryJson.Create(queue, totals, withPolicy: true, context.NodeName), queue => queue.Name, Fields(context.Rates));

    internal static Dictionary<string, Func<Queue, JsonNode?>> Fields(RateSampler rates)
    {
        var fields = new Dictionary<string, Func<Queue, JsonNode?>>(StringComparer.Ordinal)
        {
            ["name"] = q => q.Name,
            ["vhost"] = q => q.Definition.VirtualHost,
            ["durable"] = q => q.Definition.Durable,
            ["auto_delete"] = q => q.Definition.AutoDelete,
            ["exclusive"] = q => q.Definition.Exclusive,
            ["policy"] = q => q.PolicyName,
            ["operator_policy"] = q => q.OperatorPolicy?.Name,
            ["consumers"] = q => q.ConsumerCount,
            ["memory"] = q => QueueJson.MemoryEstimate(q),
            ["message_bytes_ready"] = q => q.ReadyBytes,
            ["messages"] = q => q.ReadyCount + (long)q.UnackedCount,
            ["messages_ready"] = q => (long)q.ReadyCount,
            ["messages_unacknowledged"] = q => (long)q.UnackedCount,
            ["messages_details.rate"] = q => rates.Rate(q, SampledValue.Messages),
            ["messages_ready_details.rate"] = q => rates.Rate(q, SampledValue.MessagesReady),
            ["messages_unacknowledged_details.rate"] = q => rates.Rate(q, SampledValue.MessagesUnacknowledged),
            ["message_stats.publish_details.rate"] = q => rates.Rate(q, MessageCounter.Publish),
            ["message_stats.deliver_get_details.rate"] = q => MessageStatsJson.DeliverGet.Sum(c => rates.Rate(q, c)),
        };
        foreach (var (name, counter) in MessageStatsJson.DeliveryFields)
        {
            fields[$"message_stats.{name}_details.rate"] = q => rates.Rate(q, counter);
        }

        return fields;
    }
}
