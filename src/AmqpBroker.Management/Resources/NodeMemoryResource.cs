using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Management.Resources;

/// <summary>
/// GET /api/nodes/{node}/memory and …/memory/relative (rabbit_mgmt_wm_node_memory, monitoring): the node's memory by
/// rabbit_vm:memory's categories, in bytes or as whole percentages of the resident set. RabbitMQ's categories are
/// Erlang's (processes by supervisor, ETS tables, atoms, loaded code); a .NET process has no such parts, so those
/// report 0. What is measured: <c>binary</c>, the message bodies queues hold in memory; <c>other_system</c>, the rest
/// of the managed heap; <c>allocated_unused</c>, heap committed but not in use; <c>reserved_unallocated</c>, the
/// resident set beyond it; and <c>total</c> (<c>erlang</c> the managed heap, <c>rss</c> the working set,
/// <c>allocated</c> the committed heap), with <c>strategy</c> <c>rss</c>, RabbitMQ's default.
/// </summary>
internal static class NodeMemoryResource
{
    /// <summary>rabbit_vm:memory's categories before <c>binary</c>, in its order at v3.13.7; the queue and metadata store ones as the profile has them.</summary>
    private static readonly string[] ProcessCategories =
    [
        "connection_readers", "connection_writers", "connection_channels", "connection_other", "queue_procs", "queue_slave_procs",
        "quorum_queue_procs", "quorum_queue_dlx_procs", "stream_queue_procs", "stream_queue_replica_reader_procs",
        "stream_queue_coordinator_procs", "plugins", "metadata_store", "other_proc", "metrics", "mgmt_db", "mnesia", "quorum_ets",
        "metadata_store_ets", "other_ets",
    ];

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.Get("/api/nodes/{node}/memory", Access.Monitoring, request => AnswerAsync(request, relative: false));
        routes.Get("/api/nodes/{node}/memory/relative", Access.Monitoring, request => AnswerAsync(request, relative: true));
    }

    private static Task AnswerAsync(ApiRequest request, bool relative)
    {
        if (request.Route("node") != request.Context.NodeName)
        {
            throw ApiException.NotFound();
        }

        var (categories, totals) = Measure(request);
        return request.JsonAsync(new JsonObject { ["memory"] = relative ? Relative(categories, totals.Rss) : Absolute(categories, totals) });
    }

    private static (List<(string Name, long Bytes)> Categories, (long Erlang, long Rss, long Allocated) Totals) Measure(ApiRequest request)
    {
        var api = request.Broker.Settings.Profile.NodeApi;
        var gc = GC.GetGCMemoryInfo();
        var (heap, committed, rss) = (gc.HeapSizeBytes, gc.TotalCommittedBytes, Environment.WorkingSet);
        var bodies = request.Broker.VirtualHosts.SelectMany(v => v.Queues).Sum(q => q.Footprint.InMemoryBytes);
        var categories = ProcessCategories.Where(name => Reported(name, api)).Select(name => (name, 0L)).ToList();
        categories.AddRange(
        [
            ("binary", bodies), ("msg_index", 0), ("code", 0), ("atom", 0), ("other_system", Math.Max(0, heap - bodies)),
            ("allocated_unused", Math.Max(0, committed - heap)), ("reserved_unallocated", Math.Max(0, rss - committed)),
        ]);
        return (categories, (heap, rss, committed));
    }

    private static bool Reported(string category, ManagementNodeApi api) => category switch
    {
        "queue_slave_procs" => api.HasFlag(ManagementNodeApi.MirroredQueues),
        "metadata_store" or "metadata_store_ets" => api.HasFlag(ManagementNodeApi.MetadataStoreMemory),
        _ => true,
    };

    private static JsonObject Absolute(List<(string Name, long Bytes)> categories, (long Erlang, long Rss, long Allocated) totals)
    {
        var memory = new JsonObject();
        foreach (var (name, bytes) in categories)
        {
            memory[name] = bytes;
        }

        memory["strategy"] = "rss";
        memory["total"] = new JsonObject { ["erlang"] = totals.Erlang, ["rss"] = totals.Rss, ["allocated"] = totals.Allocated };
        return memory;
    }

    /// <summary>rabbit_mgmt_wm_node_memory:format(relative, …): <c>total</c> 100 first, each part rounded, 1 at least where not 0.</summary>
    private static JsonObject Relative(List<(string Name, long Bytes)> categories, long rss)
    {
        var memory = new JsonObject { ["total"] = 100 };
        foreach (var (name, bytes) in categories)
        {
            var percent = rss <= 0 ? 0 : (long)Math.Round(100.0 * bytes / rss, MidpointRounding.AwayFromZero);
            memory[name] = percent == 0 && bytes != 0 ? 1 : percent;
        }

        return memory;
    }
}
