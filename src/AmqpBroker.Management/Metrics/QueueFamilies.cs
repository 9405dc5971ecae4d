using AmqpBroker.Core.Queues;
using AmqpBroker.Management.Formatting;

namespace AmqpBroker.Management.Metrics;

/// <summary>
/// rabbitmq_prometheus's queue_metrics group: each queue's memory, where its messages are (in memory, paged
/// out to its log, persistent) with their bytes, its disk reads and writes, its head's timestamp and its
/// consumer capacity, from one <see cref="QueueFootprint"/> per queue per scrape.
/// </summary>
internal static class QueueFamilies
{
    public static void Write(PrometheusText text, MetricScope scope, MetricSnapshot snapshot)
    {
        List<(Queue Queue, QueueFootprint Footprint, double Capacity)> queues = [.. snapshot.Queues.Select(q => (q, q.Footprint, q.ConsumerCapacity))];
        // The same estimate as the admin API's "memory" field: message bytes plus per-message bookkeeping.
        Gauges(text, scope, queues, "queue_process_memory_bytes", "Memory in bytes used by the queue (an estimate: message bytes plus bookkeeping)", q => QueueJson.MemoryEstimate(q.Queue));
        Gauges(text, scope, queues, "queue_messages_ready_bytes", "Size in bytes of ready messages", q => q.Footprint.ReadyBytes);
        Gauges(text, scope, queues, "queue_messages_unacked_bytes", "Size in bytes of all unacknowledged messages", q => q.Footprint.UnackedBytes);
        Gauges(text, scope, queues, "queue_messages_bytes", "Size in bytes of ready and unacknowledged messages", q => q.Footprint.ReadyBytes + q.Footprint.UnackedBytes);
        Gauges(text, scope, queues, "queue_messages_ram", "Ready and unacknowledged messages stored in memory", q => q.Footprint.InMemory);
        Gauges(text, scope, queues, "queue_messages_ram_bytes", "Size of ready and unacknowledged messages stored in memory", q => q.Footprint.InMemoryBytes);
        Gauges(text, scope, queues, "queue_messages_ready_ram", "Ready messages stored in memory", q => q.Footprint.ReadyInMemory);
        Gauges(text, scope, queues, "queue_messages_unacked_ram", "Unacknowledged messages stored in memory", q => q.Footprint.Unacked);
        Gauges(text, scope, queues, "queue_messages_persistent", "Persistent messages", q => q.Footprint.Persistent);
        scope.WriteUnsummed(text, "queue_messages_persistent_bytes", MetricType.Gauge, "Size in bytes of persistent messages", queues, Labels, q => q.Footprint.PersistentBytes);
        Gauges(text, scope, queues, "queue_messages_paged_out", "Messages paged out to disk", q => q.Footprint.PagedOut);
        Gauges(text, scope, queues, "queue_messages_paged_out_bytes", "Size in bytes of messages paged out to disk", q => q.Footprint.PagedOutBytes);
        scope.WriteUnsummed(text, "queue_head_message_timestamp", MetricType.Gauge, "Timestamp of the first message in the queue, if any", queues, Labels,
            q => q.Footprint.HeadTimestamp ?? double.NaN);
        scope.Write(text, "queue_disk_reads_total", MetricType.Counter, "Total number of times queue read messages from disk", queues, Labels, q => q.Footprint.DiskReads);
        scope.Write(text, "queue_disk_writes_total", MetricType.Counter, "Total number of times queue wrote messages to disk", queues, Labels, q => q.Footprint.DiskWrites);
        scope.WriteUnsummed(text, "queue_consumer_capacity", MetricType.Gauge, "Consumer capacity", queues, Labels, q => q.Capacity);
        Gauges(text, scope, queues, "queue_consumer_utilisation", "Same as consumer capacity", q => q.Capacity);
    }

    private static void Gauges(PrometheusText text, MetricScope scope, List<(Queue Queue, QueueFootprint Footprint, double Capacity)> queues, string name, string help,
        Func<(Queue Queue, QueueFootprint Footprint, double Capacity), double> value) =>
        scope.Write(text, name, MetricType.Gauge, help, queues, Labels, value);

    private static (string, string)[] Labels((Queue Queue, QueueFootprint, double) queue) => ObjectFamilies.QueueLabels(queue.Queue);
}
