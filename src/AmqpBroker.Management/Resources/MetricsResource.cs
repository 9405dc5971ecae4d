using AmqpBroker.Core;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Statistics;
using AmqpBroker.Management.Formatting;
using AmqpBroker.Management.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AmqpBroker.Management.Resources;

/// <summary>
/// GET /metrics: Prometheus text with the names of RabbitMQ's rabbitmq_prometheus plugin where the meaning
/// is the same: object counts, per-queue lengths (labelled vhost and queue, like its per-object metrics)
/// and the global message counters. Like that plugin's endpoint it needs no credentials.
/// </summary>
internal static class MetricsResource
{
    private static readonly (string Name, MessageCounter Counter, string Help)[] GlobalCounters =
    [
        ("rabbitmq_global_messages_received_total", MessageCounter.Publish, "Total number of messages received from publishers"),
        ("rabbitmq_global_messages_routed_total", MessageCounter.Routed, "Total number of messages routed to queues"),
        ("rabbitmq_global_messages_unroutable_dropped_total", MessageCounter.DropUnroutable, "Total number of messages published as non-mandatory into an exchange and dropped as unroutable"),
        ("rabbitmq_global_messages_unroutable_returned_total", MessageCounter.ReturnUnroutable, "Total number of messages published as mandatory into an exchange and returned to the publisher as unroutable"),
        ("rabbitmq_global_messages_confirmed_total", MessageCounter.Confirm, "Total number of messages confirmed to publishers"),
        ("rabbitmq_global_messages_delivered_consume_manual_ack_total", MessageCounter.Deliver, "Total number of messages delivered to consumers using manual acknowledgement mode"),
        ("rabbitmq_global_messages_delivered_consume_auto_ack_total", MessageCounter.DeliverNoAck, "Total number of messages delivered to consumers using automatic acknowledgement mode"),
        ("rabbitmq_global_messages_delivered_get_manual_ack_total", MessageCounter.Get, "Total number of messages delivered to consumers using basic.get with manual acknowledgement mode"),
        ("rabbitmq_global_messages_delivered_get_auto_ack_total", MessageCounter.GetNoAck, "Total number of messages delivered to consumers using basic.get with automatic acknowledgement mode"),
        ("rabbitmq_global_messages_get_empty_total", MessageCounter.GetEmpty, "Total number of times basic.get operations fetched no message"),
        ("rabbitmq_global_messages_redelivered_total", MessageCounter.Redeliver, "Total number of messages redelivered to consumers"),
        ("rabbitmq_global_messages_acknowledged_total", MessageCounter.Ack, "Total number of messages acknowledged by consumers"),
    ];

    private static readonly MessageCounter[] Delivered = [MessageCounter.Deliver, MessageCounter.DeliverNoAck, MessageCounter.Get, MessageCounter.GetNoAck];

    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/metrics", (RequestDelegate)(http =>
        {
            var broker = http.RequestServices.GetRequiredService<ManagementContext>().Broker;
            http.Response.ContentType = PrometheusText.ContentType;
            return http.Response.WriteAsync(Render(broker));
        }));

    internal static string Render(Broker broker)
    {
        var queues = broker.VirtualHosts.SelectMany(v => v.Queues)
            .OrderBy(q => q.Definition.VirtualHost, StringComparer.Ordinal).ThenBy(q => q.Name, StringComparer.Ordinal).ToList();
        var text = new PrometheusText()
            .Gauge("rabbitmq_connections", "Connections currently open", broker.ConnectionCount)
            .Gauge("rabbitmq_channels", "Channels currently open", BrokerObjects.Channels(broker).Count())
            .Gauge("rabbitmq_queues", "Queues available", queues.Count)
            .Gauge("rabbitmq_consumers", "Consumers currently connected", queues.Sum(q => q.ConsumerCount));
        PerQueue(text, queues, "rabbitmq_queue_messages_ready", "Messages ready to be delivered to consumers", q => q.ReadyCount);
        PerQueue(text, queues, "rabbitmq_queue_messages_unacked", "Messages delivered to consumers but not yet acknowledged", q => q.UnackedCount);
        PerQueue(text, queues, "rabbitmq_queue_messages", "Sum of ready and unacknowledged messages - total queue depth", q => q.ReadyCount + (long)q.UnackedCount);
        PerQueue(text, queues, "rabbitmq_queue_consumers", "Consumers on a queue", q => q.ConsumerCount);
        PerQueue(text, queues, "rabbitmq_queue_messages_published_total", "Total number of messages published to queues", q => q.Counters[MessageCounter.Publish], "counter");

        var totals = broker.MessageTotals;
        text.Counter("rabbitmq_global_messages_delivered_total", "Total number of messages delivered to consumers", Delivered.Sum(c => totals[c]));
        foreach (var (name, counter, help) in GlobalCounters)
        {
            text.Counter(name, help, totals[counter]);
        }

        return text.ToString();
    }

    private static void PerQueue(PrometheusText text, List<Queue> queues, string name, string help, Func<Queue, long> value, string type = "gauge")
    {
        text.Family(name, type, help);
        foreach (var queue in queues)
        {
            text.Sample(name, value(queue), ("vhost", queue.Definition.VirtualHost), ("queue", queue.Name));
        }
    }
}
