using AmqpBroker.Core.Statistics;

namespace AmqpBroker.Management.Metrics;

/// <summary>
/// The object counts, the churn counters and RabbitMQ's global counters (on /metrics and /metrics/per-object),
/// which never go down when connections close. They are labelled as RabbitMQ labels them: protocol "amqp091",
/// and queue type "rabbit_classic_queue" for the delivery side (the broker counts deliveries per channel, not
/// per queue type, so every delivery is reported as a classic queue's).
/// </summary>
internal static class GlobalFamilies
{
    private const string Protocol = "amqp091";
    private const string QueueType = "rabbit_classic_queue";

    private static readonly (string Name, MessageCounter Counter, string Help)[] PublisherCounters =
    [
        ("rabbitmq_global_messages_confirmed_total", MessageCounter.Confirm, "Total number of messages confirmed to publishers"),
        ("rabbitmq_global_messages_received_total", MessageCounter.Publish, "Total number of messages received from publishers"),
        // A confirm channel decides each message's ack or nack as it routes it, so every message it received is counted
        // by its confirm: no count of its own on the publish path.
        ("rabbitmq_global_messages_received_confirm_total", MessageCounter.Confirm, "Total number of messages received from publishers expecting confirmations"),
        ("rabbitmq_global_messages_routed_total", MessageCounter.Routed, "Total number of messages routed to queues"),
        ("rabbitmq_global_messages_unroutable_dropped_total", MessageCounter.DropUnroutable, "Total number of messages published as non-mandatory into an exchange and dropped as unroutable"),
        ("rabbitmq_global_messages_unroutable_returned_total", MessageCounter.ReturnUnroutable, "Total number of messages published as mandatory into an exchange and returned to the publisher as unroutable"),
    ];

    private static readonly (string Name, MessageCounter[] Counters, string Help)[] DeliveryCounters =
    [
        ("rabbitmq_global_messages_acknowledged_total", [MessageCounter.Ack], "Total number of messages acknowledged by consumers"),
        ("rabbitmq_global_messages_delivered_consume_auto_ack_total", [MessageCounter.DeliverNoAck], "Total number of messages delivered to consumers using basic.consume with automatic acknowledgment"),
        ("rabbitmq_global_messages_delivered_consume_manual_ack_total", [MessageCounter.Deliver], "Total number of messages delivered to consumers using basic.consume with manual acknowledgment"),
        ("rabbitmq_global_messages_delivered_get_auto_ack_total", [MessageCounter.GetNoAck], "Total number of messages delivered to consumers using basic.get with automatic acknowledgment"),
        ("rabbitmq_global_messages_delivered_get_manual_ack_total", [MessageCounter.Get], "Total number of messages delivered to consumers using basic.get with manual acknowledgment"),
        ("rabbitmq_global_messages_delivered_total", [MessageCounter.Deliver, MessageCounter.DeliverNoAck, MessageCounter.Get, MessageCounter.GetNoAck], "Total number of messages delivered to consumers"),
        ("rabbitmq_global_messages_get_empty_total", [MessageCounter.GetEmpty], "Total number of times basic.get operations fetched no message"),
        ("rabbitmq_global_messages_redelivered_total", [MessageCounter.Redeliver], "Total number of messages redelivered to consumers"),
    ];

    public static void Totals(PrometheusText text, MetricSnapshot snapshot) => text
        .Gauge("rabbitmq_connections", "Connections currently open", snapshot.Connections.Count)
        .Gauge("rabbitmq_channels", "Channels currently open", snapshot.Channels.Count)
        .Gauge("rabbitmq_consumers", "Consumers currently connected", snapshot.Queues.Sum(q => q.ConsumerCount))
        .Gauge("rabbitmq_queues", "Queues available", snapshot.Queues.Count);

    /// <summary>connection_churn_metrics: unlabelled node counters on every endpoint.</summary>
    public static void Churn(PrometheusText text, MetricScope scope, MetricSnapshot snapshot)
    {
        var churn = snapshot.Broker.Churn;
        text.Counter(scope.Prefix + "connections_opened_total", "Total number of connections opened", churn.ConnectionsOpened)
            .Counter(scope.Prefix + "connections_closed_total", "Total number of connections closed or terminated", churn.ConnectionsClosed)
            .Counter(scope.Prefix + "channels_opened_total", "Total number of channels opened", churn.ChannelsOpened)
            .Counter(scope.Prefix + "channels_closed_total", "Total number of channels closed", churn.ChannelsClosed)
            .Counter(scope.Prefix + "queues_declared_total", "Total number of queues declared", churn.QueuesDeclared)
            .Counter(scope.Prefix + "queues_created_total", "Total number of queues created", churn.QueuesCreated)
            .Counter(scope.Prefix + "queues_deleted_total", "Total number of queues deleted", churn.QueuesDeleted);
    }

    public static void Counters(PrometheusText text, MetricSnapshot snapshot)
    {
        var totals = snapshot.Broker.MessageTotals;
        // A publisher is a channel that has published; RabbitMQ counts it from its first publish until it closes.
        text.Family("rabbitmq_global_publishers", MetricType.Gauge, "Current number of publishers")
            .Sample("rabbitmq_global_publishers", snapshot.Channels.Count(c => c.Session.Counters[MessageCounter.Publish] > 0), ("protocol", Protocol));
        text.Family("rabbitmq_global_consumers", MetricType.Gauge, "Current number of consumers")
            .Sample("rabbitmq_global_consumers", snapshot.Queues.Sum(q => q.ConsumerCount), ("protocol", Protocol));
        foreach (var (name, counter, help) in PublisherCounters)
        {
            text.Family(name, MetricType.Counter, help).Sample(name, totals[counter], ("protocol", Protocol));
        }

        DeadLetterFamilies.Write(text, snapshot.Broker.DeadLetters);

        foreach (var (name, counters, help) in DeliveryCounters)
        {
            text.Family(name, MetricType.Counter, help).Sample(name, counters.Sum(c => totals[c]), ("protocol", Protocol), ("queue_type", QueueType));
        }
    }

    /// <summary>Login attempts per protocol (amqp091, http), as RabbitMQ counts them (its group auth_attempt_metrics).</summary>
    public static void AuthenticationAttempts(PrometheusText text, MetricScope scope, MetricSnapshot snapshot)
    {
        var attempts = snapshot.Broker.AuthenticationAttempts.Snapshot();
        foreach (var (name, help, count) in AttemptFamilies(""))
        {
            var family = scope.Prefix + name;
            text.Family(family, MetricType.Counter, help);
            foreach (var (protocol, succeeded, failed) in attempts)
            {
                text.Sample(family, count(succeeded, failed), ("protocol", protocol));
            }
        }
    }

    /// <summary>
    /// Login attempts per remote address, user name and protocol (auth_attempt_detailed_metrics): samples only
    /// while the broker tracks the source (track_auth_attempt_source), as in RabbitMQ.
    /// </summary>
    public static void AuthenticationSources(PrometheusText text, MetricScope scope, MetricSnapshot snapshot)
    {
        var sources = snapshot.Broker.AuthenticationAttempts.Sources();
        foreach (var (name, help, count) in AttemptFamilies("detailed_"))
        {
            var family = scope.Prefix + name;
            text.Family(family, MetricType.Counter, help);
            foreach (var (address, user, protocol, succeeded, failed) in sources)
            {
                text.Sample(family, count(succeeded, failed), ("remote_address", address), ("username", user), ("protocol", protocol));
            }
        }
    }

    private static (string Name, string Help, Func<long, long, long> Count)[] AttemptFamilies(string infix) =>
    [
        ($"auth_attempts_{infix}total", "Total number of authorization attempts", (succeeded, failed) => succeeded + failed),
        ($"auth_attempts_{infix}succeeded_total", "Total number of successful authentication attempts", (succeeded, _) => succeeded),
        ($"auth_attempts_{infix}failed_total", "Total number of failed authentication attempts", (_, failed) => failed),
    ];
}
