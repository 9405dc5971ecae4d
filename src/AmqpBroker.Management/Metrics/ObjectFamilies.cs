using AmqpBroker.Core;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Statistics;
using AmqpBroker.Management.Formatting;

namespace AmqpBroker.Management.Metrics;

/// <summary>
/// RabbitMQ's per-object families of queues, channels and connections, grouped as rabbitmq_prometheus
/// groups them for <c>/metrics/detailed?family=</c>. Only what the broker measures is written; the
/// families left out are listed in the README.
/// </summary>
internal static class ObjectFamilies
{
    public static void QueueCoarse(PrometheusText text, MetricScope scope, MetricSnapshot snapshot)
    {
        var queues = snapshot.Queues;
        scope.Write(text, "queue_messages_ready", MetricType.Gauge, "Messages ready to be delivered to consumers", queues, QueueLabels, q => q.ReadyCount);
        scope.Write(text, "queue_messages_unacked", MetricType.Gauge, "Messages delivered to consumers but not yet acknowledged", queues, QueueLabels, q => q.UnackedCount);
        scope.Write(text, "queue_messages", MetricType.Gauge, "Sum of ready and unacknowledged messages - total queue depth", queues, QueueLabels, q => q.ReadyCount + (long)q.UnackedCount);
    }

    public static void QueueConsumerCount(PrometheusText text, MetricScope scope, MetricSnapshot snapshot) =>
        scope.Write(text, "queue_consumers", MetricType.Gauge, "Consumers on a queue", snapshot.Queues, QueueLabels, q => q.ConsumerCount);

    /// <summary>Messages each queue received; RabbitMQ splits these by channel and exchange too, which the broker does not count.</summary>
    public static void ChannelQueueExchange(PrometheusText text, MetricScope scope, MetricSnapshot snapshot) =>
        scope.Write(text, "queue_messages_published_total", MetricType.Counter, "Total number of messages published to queues", snapshot.Queues,
            q => [("queue_vhost", q.Definition.VirtualHost), ("queue", q.Name)], q => q.Counters[MessageCounter.Publish]);

    public static void Channel(PrometheusText text, MetricScope scope, MetricSnapshot snapshot)
    {
        var channels = snapshot.Channels;
        scope.Write(text, "channel_consumers", MetricType.Gauge, "Consumers on a channel", channels, ChannelLabel, c => c.Session.ConsumerCount);
        scope.Write(text, "channel_messages_unacked", MetricType.Gauge, "Delivered but not yet acknowledged messages", channels, ChannelLabel, c => c.Session.UnackedCount);
        scope.Write(text, "channel_messages_unconfirmed", MetricType.Gauge, "Published but not yet confirmed messages", channels, ChannelLabel, c => c.MessagesUnconfirmed);
        scope.Write(text, "channel_messages_uncommitted", MetricType.Gauge, "Messages received in a transaction but not yet committed", channels, ChannelLabel, c => c.MessagesUncommitted);
        scope.Write(text, "channel_acks_uncommitted", MetricType.Gauge, "Message acknowledgements in a transaction not yet committed", channels, ChannelLabel, c => c.AcksUncommitted);
        scope.Write(text, "consumer_prefetch", MetricType.Gauge, "Limit of unacknowledged messages for each consumer", channels, ChannelLabel, c => c.Session.ConsumerPrefetch);
        scope.Write(text, "channel_prefetch", MetricType.Gauge, "Total limit of unacknowledged messages for all consumers on a channel", channels, ChannelLabel, c => c.Session.ChannelPrefetch);
    }

    /// <summary>Publisher counters per channel; RabbitMQ also splits them by exchange, which the broker does not count.</summary>
    public static void ChannelExchange(PrometheusText text, MetricScope scope, MetricSnapshot snapshot)
    {
        ChannelCounter(text, scope, snapshot, "channel_messages_published_total", "Total number of messages published into an exchange on a channel", MessageCounter.Publish);
        ChannelCounter(text, scope, snapshot, "channel_messages_confirmed_total", "Total number of messages published into an exchange and confirmed on the channel", MessageCounter.Confirm);
        ChannelCounter(text, scope, snapshot, "channel_messages_unroutable_returned_total", "Total number of messages published as mandatory into an exchange and returned to the publisher as unroutable", MessageCounter.ReturnUnroutable);
        ChannelCounter(text, scope, snapshot, "channel_messages_unroutable_dropped_total", "Total number of messages published as non-mandatory into an exchange and dropped as unroutable", MessageCounter.DropUnroutable);
    }

    /// <summary>Consumer counters per channel; RabbitMQ also splits them by queue, which the broker does not count.</summary>
    public static void ChannelQueue(PrometheusText text, MetricScope scope, MetricSnapshot snapshot)
    {
        ChannelCounter(text, scope, snapshot, "channel_get_ack_total", "Total number of messages fetched with basic.get in manual acknowledgement mode", MessageCounter.Get);
        ChannelCounter(text, scope, snapshot, "channel_get_total", "Total number of messages fetched with basic.get in automatic acknowledgement mode", MessageCounter.GetNoAck);
        ChannelCounter(text, scope, snapshot, "channel_messages_delivered_ack_total", "Total number of messages delivered to consumers in manual acknowledgement mode", MessageCounter.Deliver);
        ChannelCounter(text, scope, snapshot, "channel_messages_delivered_total", "Total number of messages delivered to consumers in automatic acknowledgement mode", MessageCounter.DeliverNoAck);
        ChannelCounter(text, scope, snapshot, "channel_messages_redelivered_total", "Total number of messages redelivered to consumers", MessageCounter.Redeliver);
        ChannelCounter(text, scope, snapshot, "channel_messages_acked_total", "Total number of messages acknowledged by consumers", MessageCounter.Ack);
        ChannelCounter(text, scope, snapshot, "channel_get_empty_total", "Total number of times basic.get operations fetched no message", MessageCounter.GetEmpty);
    }

    /// <summary>connection_coarse_metrics: bytes each connection received and sent.</summary>
    public static void ConnectionCoarse(PrometheusText text, MetricScope scope, MetricSnapshot snapshot)
    {
        var connections = ConnectionsOf(scope, snapshot);
        scope.Write(text, "connection_incoming_bytes_total", MetricType.Counter, "Total number of bytes received on a connection", connections, ConnectionLabel, c => c.Traffic.ReceivedBytes);
        scope.Write(text, "connection_outgoing_bytes_total", MetricType.Counter, "Total number of bytes sent on a connection", connections, ConnectionLabel, c => c.Traffic.SentBytes);
    }

    /// <summary>connection_metrics: socket reads and writes of each connection, and its channels.</summary>
    public static void Connection(PrometheusText text, MetricScope scope, MetricSnapshot snapshot)
    {
        var connections = ConnectionsOf(scope, snapshot);
        scope.Write(text, "connection_incoming_packets_total", MetricType.Counter, "Total number of packets received on a connection", connections, ConnectionLabel, c => c.Traffic.ReceivedPackets);
        scope.Write(text, "connection_outgoing_packets_total", MetricType.Counter, "Total number of packets sent on a connection", connections, ConnectionLabel, c => c.Traffic.SentPackets);
        scope.Write(text, "connection_channels", MetricType.Gauge, "Channels on a connection", connections, ConnectionLabel, c => c.Channels().Count);
        scope.Write(text, "connection_pending_packets", MetricType.Gauge, "Number of packets waiting to be sent on a connection", connections, ConnectionLabel, c => c.Traffic.PendingPackets);
    }

    private static ClientConnection[] ConnectionsOf(MetricScope scope, MetricSnapshot snapshot) => [.. snapshot.Connections.Where(c => scope.Includes(c.VirtualHost))];

    /// <summary>RabbitMQ 3.10 labels its connection families "channel" (the connection process); here it holds the connection's name.</summary>
    private static (string, string)[] ConnectionLabel(ClientConnection connection) => [("channel", connection.Name)];

    private static void ChannelCounter(PrometheusText text, MetricScope scope, MetricSnapshot snapshot, string name, string help, MessageCounter counter) =>
        scope.Write(text, name, MetricType.Counter, help, snapshot.Channels, ChannelVirtualHostLabels, c => c.Session.Counters[counter]);

    internal static (string, string)[] QueueLabels(Queue queue) => [("vhost", queue.Definition.VirtualHost), ("queue", queue.Name)];

    private static (string, string)[] ChannelLabel(ChannelSnapshot channel) => [("channel", ChannelJson.Name(channel.Session))];

    private static (string, string)[] ChannelVirtualHostLabels(ChannelSnapshot channel) =>
        [("channel", ChannelJson.Name(channel.Session)), ("vhost", channel.Session.Connection.VirtualHost)];
}
