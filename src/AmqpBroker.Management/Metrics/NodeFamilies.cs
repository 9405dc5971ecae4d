using AmqpBroker.Core.Alarms;
using AmqpBroker.Core.Statistics;

namespace AmqpBroker.Management.Metrics;

/// <summary>
/// The node's families: identity and build (which Grafana dashboards join on), process resources read
/// from the OS, alarms, and storage I/O. Erlang VM families have no meaning here and are not written.
/// </summary>
internal static class NodeFamilies
{
    /// <summary>
    /// rabbitmq_identity_info (the node, rabbit_nodes:cluster_name/0 and persistent_cluster_id/0) and rabbitmq_build_info:
    /// on every endpoint, never prefixed.
    /// </summary>
    public static void Identity(PrometheusText text, MetricSnapshot snapshot)
    {
        var cluster = snapshot.Context.Broker.GlobalParameters;
        text.Family("rabbitmq_identity_info", MetricType.Untyped, "RabbitMQ node & cluster identity info")
            .Sample("rabbitmq_identity_info", 1, ("rabbitmq_node", snapshot.Context.NodeName), ("rabbitmq_cluster", cluster.ClusterName), ("rabbitmq_cluster_permanent_id", cluster.ClusterId));
        // The RabbitMQ version is the release the broker behaves as; the runtime stands where Erlang/OTP's version would.
        text.Family("rabbitmq_build_info", MetricType.Untyped, "RabbitMQ & Erlang/OTP version info")
            .Sample("rabbitmq_build_info", 1,
                ("rabbitmq_version", snapshot.Context.RabbitMqVersion),
                ("prometheus_plugin_version", ManagementContext.OwnVersion),
                ("prometheus_client_version", ManagementContext.OwnVersion),
                ("erlang_version", Formatting.RuntimeVersions.ErlangVersion));
    }

    /// <summary>node_coarse_metrics: what the process uses now.</summary>
    public static void Coarse(PrometheusText text, MetricScope scope, MetricSnapshot snapshot)
    {
        var process = snapshot.Process;
        Optional(text, scope, "process_open_fds", "Open file descriptors", process.OpenFileDescriptors);
        Optional(text, scope, "process_open_tcp_sockets", "Open TCP sockets", process.OpenSockets);
        Optional(text, scope, "process_resident_memory_bytes", "Memory used in bytes", process.ResidentMemoryBytes);
        Optional(text, scope, "disk_space_available_bytes", "Disk space available in bytes", ProcessStats.FreeDiskBytes(snapshot.Context.DataDirectory));
    }

    /// <summary>node_metrics: the limits (the memory watermark and disk free limit when the broker has them), and the node's uptime.</summary>
    public static void Limits(PrometheusText text, MetricScope scope, MetricSnapshot snapshot)
    {
        var process = snapshot.Process;
        Optional(text, scope, "process_max_fds", "Open file descriptors limit", process.MaxFileDescriptors);
        Optional(text, scope, "process_max_tcp_sockets", "Open TCP sockets limit", process.SocketLimit(snapshot.Broker.Settings));
        var resources = snapshot.Broker.Resources;
        Optional(text, scope, "resident_memory_limit_bytes", "Memory high watermark in bytes", resources.Memory?.LimitBytes);
        Optional(text, scope, "disk_space_available_limit_bytes", "Free disk space low watermark in bytes", resources.Disk?.LimitBytes);
        var uptime = snapshot.Broker.Time.GetUtcNow() - snapshot.Broker.StartedAt;
        text.Family(scope.Prefix + "erlang_uptime_seconds", MetricType.Gauge, "Node uptime").Sample(scope.Prefix + "erlang_uptime_seconds", Math.Floor(uptime.TotalSeconds));
    }

    /// <summary>
    /// node_persister_metrics: what the message store read, wrote and synced, with bytes and time, and its message
    /// and index records. A broker that keeps everything in memory does no such I/O: all zero. Segment files are
    /// read and written at offsets, so there is never a seek.
    /// </summary>
    public static void Persister(PrometheusText text, MetricScope scope, MetricSnapshot snapshot)
    {
        var io = snapshot.Broker.Messages.Counters ?? new StorageCounters();
        (string Name, string Help, double Value)[] families =
        [
            ("io_read_ops_total", "Total number of I/O read operations", io.ReadOps),
            ("io_read_bytes_total", "Total number of I/O bytes read", io.ReadBytes),
            ("io_write_ops_total", "Total number of I/O write operations", io.WriteOps),
            ("io_write_bytes_total", "Total number of I/O bytes written", io.WriteBytes),
            ("io_sync_ops_total", "Total number of I/O sync operations", io.SyncOps),
            ("io_seek_ops_total", "Total number of I/O seek operations", 0),
            ("io_reopen_ops_total", "Total number of times files have been reopened", io.ReopenOps),
            ("msg_store_read_total", "Total number of Message Store read operations", io.MessagesRead),
            ("msg_store_write_total", "Total number of Message Store write operations", io.MessagesWritten),
            ("queue_index_read_ops_total", "Total number of Queue Index read operations", io.IndexReads),
            ("queue_index_write_ops_total", "Total number of Queue Index write operations", io.IndexWrites),
            ("io_read_time_seconds_total", "Total I/O read time", io.ReadSeconds),
            ("io_write_time_seconds_total", "Total I/O write time", io.WriteSeconds),
            ("io_sync_time_seconds_total", "Total I/O sync time", io.SyncSeconds),
            ("io_seek_time_seconds_total", "Total I/O seek time", 0),
        ];
        foreach (var (name, help, value) in families)
        {
            text.Family(scope.Prefix + name, MetricType.Counter, help).Sample(scope.Prefix + name, value);
        }
    }

    /// <summary>The three alarm families (aggregated endpoint only, as in RabbitMQ).</summary>
    public static void Alarms(PrometheusText text, MetricSnapshot snapshot)
    {
        var alarms = snapshot.Broker.Alarm;
        text.Family("rabbitmq_alarms_file_descriptor_limit", MetricType.Untyped, "is 1 if file descriptor limit alarm is in effect")
            .Sample("rabbitmq_alarms_file_descriptor_limit", alarms.IsRaised(AlarmResource.FileDescriptorLimit) ? 1 : 0);
        text.Family("rabbitmq_alarms_free_disk_space_watermark", MetricType.Untyped, "is 1 if free disk space watermark alarm is in effect")
            .Sample("rabbitmq_alarms_free_disk_space_watermark", alarms.IsRaised(AlarmResource.Disk) ? 1 : 0);
        text.Family("rabbitmq_alarms_memory_used_watermark", MetricType.Untyped, "is 1 if memory watermark alarm is in effect")
            .Sample("rabbitmq_alarms_memory_used_watermark", alarms.IsRaised(AlarmResource.Memory) ? 1 : 0);
    }

    /// <summary>A node family with its one sample; a figure that could not be read leaves the family out.</summary>
    private static void Optional(PrometheusText text, MetricScope scope, string name, string help, long? value, MetricType type = MetricType.Gauge)
    {
        if (value is { } known)
        {
            text.Family(scope.Prefix + name, type, help).Sample(scope.Prefix + name, known);
        }
    }
}
