using AmqpBroker.Core.DeadLettering;
using AmqpBroker.Core.Statistics;

namespace AmqpBroker.Management.Metrics;

/// <summary>
/// RabbitMQ's five rabbitmq_global_messages_dead_lettered_* families, labelled <c>queue_type</c> and
/// <c>dead_letter_strategy</c> with the combinations RabbitMQ 3.10.8 writes for each (rabbit_global_counters
/// creates them at boot, so they are there at 0): classic queues dead-letter at most once or not at all,
/// quorum queues also at least once, and only quorum queues have a delivery limit.
/// </summary>
internal static class DeadLetterFamilies
{
    private const string Classic = "rabbit_classic_queue";
    private const string Quorum = "rabbit_quorum_queue";

    private static readonly (string QueueType, DeadLetterMode Mode)[] AllModes =
        [(Classic, DeadLetterMode.AtMostOnce), (Classic, DeadLetterMode.Disabled), (Quorum, DeadLetterMode.AtLeastOnce), (Quorum, DeadLetterMode.AtMostOnce), (Quorum, DeadLetterMode.Disabled)];

    private static readonly (string Name, DeadLetterReason Reason, (string QueueType, DeadLetterMode Mode)[] Modes, string Help)[] ByReason =
    [
        ("rabbitmq_global_messages_dead_lettered_delivery_limit_total", DeadLetterReason.DeliveryLimit,
            [(Quorum, DeadLetterMode.AtLeastOnce), (Quorum, DeadLetterMode.AtMostOnce), (Quorum, DeadLetterMode.Disabled)],
            "Total number of messages dead-lettered due to delivery-limit exceeded"),
        ("rabbitmq_global_messages_dead_lettered_expired_total", DeadLetterReason.Expired, AllModes,
            "Total number of messages dead-lettered due to message TTL exceeded"),
        ("rabbitmq_global_messages_dead_lettered_maxlen_total", DeadLetterReason.MaxLength,
            [(Classic, DeadLetterMode.AtMostOnce), (Classic, DeadLetterMode.Disabled), (Quorum, DeadLetterMode.AtMostOnce), (Quorum, DeadLetterMode.Disabled)],
            "Total number of messages dead-lettered due to overflow drop-head or reject-publish-dlx"),
        ("rabbitmq_global_messages_dead_lettered_rejected_total", DeadLetterReason.Rejected, AllModes,
            "Total number of messages dead-lettered due to basic.reject or basic.nack"),
    ];

    public static void Write(PrometheusText text, DeadLetterTotals totals)
    {
        const string confirmed = "rabbitmq_global_messages_dead_lettered_confirmed_total";
        text.Family(confirmed, MetricType.Counter, "Total number of messages dead-lettered and confirmed by target queues")
            .Sample(confirmed, totals.Confirmed, ("queue_type", Quorum), ("dead_letter_strategy", Label(DeadLetterMode.AtLeastOnce)));
        foreach (var (name, reason, modes, help) in ByReason)
        {
            text.Family(name, MetricType.Counter, help);
            foreach (var (queueType, mode) in modes)
            {
                text.Sample(name, totals.Count(queueType, mode, reason), ("queue_type", queueType), ("dead_letter_strategy", Label(mode)));
            }
        }
    }

    private static string Label(DeadLetterMode mode) => mode switch
    {
        DeadLetterMode.Disabled => "disabled",
        DeadLetterMode.AtMostOnce => "at_most_once",
        _ => "at_least_once",
    };
}
