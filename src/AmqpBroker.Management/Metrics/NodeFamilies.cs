using System.Security.Cryptography;
using System.Text;
using AmqpBroker.Core.Alarms;

namespace AmqpBroker.Management.Metrics;

/// <summary>
/// The node's families: identity and build (which Grafana dashboards join on), process resources read
/// from the OS, alarms, and storage I/O. Erlang VM families have no meaning here and are not written.
/// </summary>
internal static class NodeFamilies
{
    private const string Gauge = "gauge";
    private const string Counter = "counter";
    private const string Untyped = "untyped";

    /// <summary>rabbitmq_identity_info and rabbitmq_build_info: on every endpoint, never prefixed.</summary>
    public static void Identity(PrometheusText text, MetricSnapshot snapshot)
    {
        var node = snapshot.Context.NodeName;
        text.Family("rabbitmq_identity_info", Untyped, "RabbitMQ node & cluster identity info")
            .Sample("rabbitmq_identity_info", 1, ("rabbitmq_node", node), ("rabbitmq_cluster", node), ("rabbitmq_cluster_permanent_id", PermanentId(node)));
        // The RabbitMQ version is the release the broker behaves as; the runtime stands where Erlang/OTP's version would.
        text.Family("rabbitmq_build_info", Untyped, "RabbitMQ & Erlang/OTP version info")
            .Sample("rabbitmq_build_info", 1,
                ("rabbitmq_version", snapshot.Context.RabbitMqVersion),
                ("prometheus_plugin_version", ManagementContext.OwnVersion),
                ("prometheus_client_version", ManagementContext.OwnVersion),
                ("erlang_version", $"dotnet-{Environment.Version}"));
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
        text.Family(scope.Prefix + "erlang_uptime_seconds", Gauge, "Node uptime").Sample(scope.Prefix + "erlang_uptime_seconds", Math.Floor(uptime.TotalSeconds));
    }

    /// <summary>node_persister_metrics: bytes the process read from and wrote to storage (Linux's /proc/self/io).</summary>
    public static void Persister(PrometheusText text, MetricScope scope, MetricSnapshot snapshot)
    {
        Optional(text, scope, "io_read_bytes_total", "Total number of I/O bytes read", snapshot.Process.StorageReadBytes, Counter);
        Optional(text, scope, "io_write_bytes_total", "Total number of I/O bytes written", snapshot.Process.StorageWrittenBytes, Counter);
    }

    /// <summary>The three alarm families (aggregated endpoint only, as in RabbitMQ).</summary>
    public static void Alarms(PrometheusText text, MetricSnapshot snapshot)
    {
        var alarms = snapshot.Broker.Alarm;
        text.Family("rabbitmq_alarms_file_descriptor_limit", Untyped, "is 1 if file descriptor limit alarm is in effect")
            .Sample("rabbitmq_alarms_file_descriptor_limit", alarms.IsRaised(AlarmResource.FileDescriptorLimit) ? 1 : 0);
        text.Family("rabbitmq_alarms_free_disk_space_watermark", Untyped, "is 1 if free disk space watermark alarm is in effect")
            .Sample("rabbitmq_alarms_free_disk_space_watermark", alarms.IsRaised(AlarmResource.Disk) ? 1 : 0);
        text.Family("rabbitmq_alarms_memory_used_watermark", Untyped, "is 1 if memory watermark alarm is in effect")
            .Sample("rabbitmq_alarms_memory_used_watermark", alarms.IsRaised(AlarmResource.Memory) ? 1 : 0);
    }

    /// <summary>A node family with its one sample; a figure that could not be read leaves the family out.</summary>
    private static void Optional(PrometheusText text, MetricScope scope, string name, string help, long? value, string type = Gauge)
    {
        if (value is { } known)
        {
            text.Family(scope.Prefix + name, type, help).Sample(scope.Prefix + name, known);
        }
    }

    /// <summary>A stable id for the node's "cluster" (RabbitMQ generates and stores one; the node name is this broker's identity).</summary>
    private static string PermanentId(string node) =>
        "amqpbroker-cluster-id-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(node)).AsSpan(0, 12));
}
