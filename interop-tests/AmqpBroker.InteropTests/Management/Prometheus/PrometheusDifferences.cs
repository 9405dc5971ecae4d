namespace AmqpBroker.InteropTests.Management.Prometheus;

/// <summary>
/// Where this broker's Prometheus families knowingly differ from RabbitMQ 3.10.8's, as the README lists
/// them. Families are named without their <c>rabbitmq_</c> or <c>rabbitmq_detailed_</c> prefix.
/// </summary>
public static class PrometheusDifferences
{
    /// <summary>Families about the Erlang VM, Mnesia and Raft (quorum queues here run on one node without a Raft log), which have no meaning here.</summary>
    public static readonly string[] NoMeaningHere =
    [
        "erlang_processes_used", "erlang_processes_limit", "erlang_gc_runs_total", "erlang_gc_reclaimed_bytes_total",
        "erlang_scheduler_context_switches_total", "erlang_scheduler_run_queue", "erlang_net_ticktime_seconds",
        "queue_process_reductions_total", "channel_process_reductions_total", "connection_process_reductions_total",
        "schema_db_ram_tx_total", "schema_db_disk_tx_total",
        "raft_term_total", "raft_log_snapshot_index", "raft_log_last_applied_index", "raft_log_commit_index",
        "raft_log_last_written_index", "raft_entry_commit_latency_seconds",
    ];

    /// <summary>Per-object families whose counts the broker keeps per channel or per queue only, not split further as RabbitMQ does.</summary>
    private static readonly Dictionary<string, string> CoarserLabels = new(StringComparer.Ordinal)
    {
        ["channel_messages_published_total"] = "channel,vhost",
        ["channel_messages_confirmed_total"] = "channel,vhost",
        ["channel_messages_unroutable_returned_total"] = "channel,vhost",
        ["channel_messages_unroutable_dropped_total"] = "channel,vhost",
        ["channel_get_ack_total"] = "channel,vhost",
        ["channel_get_total"] = "channel,vhost",
        ["channel_messages_delivered_ack_total"] = "channel,vhost",
        ["channel_messages_delivered_total"] = "channel,vhost",
        ["channel_messages_redelivered_total"] = "channel,vhost",
        ["channel_messages_acked_total"] = "channel,vhost",
        ["channel_get_empty_total"] = "channel,vhost",
        ["queue_messages_published_total"] = "queue,queue_vhost",
    };

    /// <summary>The families of <paramref name="expected"/> this broker leaves out.</summary>
    public static IEnumerable<string> LeftOut(IEnumerable<string> expected) =>
        expected.Where(name => NoMeaningHere.Contains(Unprefixed(name)));

    /// <summary>The label sets this broker gives a family where they differ from RabbitMQ's, or null.</summary>
    public static string? Labels(string endpoint, string family) =>
        endpoint != "metrics" && CoarserLabels.TryGetValue(Unprefixed(family), out var labels) ? labels : null;

    private static string Unprefixed(string family) =>
        family.StartsWith("rabbitmq_detailed_", StringComparison.Ordinal) ? family["rabbitmq_detailed_".Length..] : family["rabbitmq_".Length..];
}
