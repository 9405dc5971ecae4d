using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Management.Resources;

/// <summary>
/// The health checks that came and went with RabbitMQ releases (<see cref="VersionProfile.NodeApi"/>), answered as a
/// healthy single node answers them: this broker is one node, which hosts every quorum queue and so always has its
/// leader, and which serves as soon as it is up. The rabbit_mgmt_wm_health_check_* module of each check is named beside it.
/// </summary>
internal static class ReleaseHealthChecks
{
    private const string Checks = "/api/health/checks/";

    private const string LeaderChecks = Checks + "quorum-queues-without-elected-leaders/";

    /// <summary>rabbit_mgmt_wm_health_check_node_is_quorum_critical and …_node_is_mirror_sync_critical on a single node cluster.</summary>
    private static readonly JsonObject SingleNode = new() { ["reason"] = "single node cluster" };

    public static void Map(IEndpointRouteBuilder routes, ManagementNodeApi api)
    {
        // A node of a cluster would fail them with "There are quorum queues that would lose their quorum if the target node
        // is shut down" and "There are classic mirrored queues without online synchronised mirrors", listing the queues
        // (name, readable_name, virtual_host, type); one that is its own cluster never does (rabbit_nodes:is_single_node_cluster).
        routes.Get(Checks + "node-is-quorum-critical", Access.Management, request => HealthAnswer.OkAsync(request.Http.Response, SingleNode));
        if (api.HasFlag(ManagementNodeApi.MirroredQueues))
        {
            routes.Get(Checks + "node-is-mirror-sync-critical", Access.Management, request => HealthAnswer.OkAsync(request.Http.Response, SingleNode));
        }

        if (api.HasFlag(ManagementNodeApi.MetadataStoreChecks))
        {
            // The definitions store is open before the API listens (rabbit_db:is_init_finished).
            routes.Get(Checks + "metadata-store/initialized", Access.Management, request => HealthAnswer.OkAsync(request.Http.Response));
            routes.Get(Checks + "metadata-store/initialized/with-data", Access.Management, WithData);
        }

        if (api.HasFlag(ManagementNodeApi.QuorumLeaderChecks))
        {
            // Every quorum queue has its leader on this node, so none is listed ("Detected quorum queues without an elected
            // leader" with the queues otherwise). The vhost is not looked up, nor the user's access to it, as in RabbitMQ.
            foreach (var path in new[] { "all-vhosts", "all-vhosts/pattern/{pattern}", "vhost/{vhost}", "vhost/{vhost}/pattern/{pattern}" })
            {
                routes.Get(LeaderChecks + path, Access.Management, request => HealthAnswer.OkAsync(request.Http.Response));
            }
        }

        if (api.HasFlag(ManagementNodeApi.ServingChecks))
        {
            // rabbit:is_serving/0: the node answers only once it serves.
            routes.GetWithoutCredentials(Checks + "is-in-service", (http, _) => NoCacheAsync(http, HealthAnswer.OkAsync));
            routes.GetWithoutCredentials(Checks + "ready-to-serve-clients", ReadyToServeClients);
            routes.GetWithoutCredentials(Checks + "below-node-connection-limit", BelowConnectionLimit);
        }

        if (api.HasFlag(ManagementNodeApi.TargetClusterSizeCheck))
        {
            // A single node is its own target size (cluster_formation.target_cluster_size_hint defaults to 1).
            routes.GetWithoutCredentials(Checks + "reached-target-cluster-size", (http, _) => NoCacheAsync(http, HealthAnswer.OkAsync));
        }
    }

    /// <summary>rabbit_mgmt_wm_health_check_metadata_store_initialized_with_data: at least one virtual host.</summary>
    private static Task WithData(ApiRequest request) => request.Broker.VirtualHosts.Count > 0
        ? HealthAnswer.OkAsync(request.Http.Response)
        : HealthAnswer.FailedAsync(request.Http.Response, "Metadata store has not yet been initialized: it reports to have no virtual hosts");

    /// <summary>
    /// rabbit_mgmt_wm_health_check_ready_to_serve_clients (v4.1.1): an AMQP listener, and fewer AMQP connections than
    /// the node's connection limit (<c>connection_max</c>, our <see cref="Core.BrokerSettings.MaxConnections"/>).
    /// </summary>
    private static Task ReadyToServeClients(HttpContext http, ManagementContext context)
    {
        AnonymousRoutes.NoCache(http.Response);
        if (!context.Listeners.Any(l => l.Protocol is "amqp" or "amqp/ssl"))
        {
            return HealthAnswer.FailedAsync(http.Response, "no active listeners for AMQP/AMQPS");
        }

        var connections = context.Broker.ConnectionCount;
        return BelowLimit(context, connections)
            ? HealthAnswer.OkAsync(http.Response)
            : HealthAnswer.FailedAsync(http.Response, "node connection limit is reached", new JsonObject { ["connections"] = connections });
    }

    /// <summary>rabbit_mgmt_wm_health_check_below_node_connection_limit (v4.1.1): AMQP connections below <c>connection_max</c>.</summary>
    private static Task BelowConnectionLimit(HttpContext http, ManagementContext context)
    {
        AnonymousRoutes.NoCache(http.Response);
        return BelowLimit(context, context.Broker.ConnectionCount)
            ? HealthAnswer.OkAsync(http.Response)
            : HealthAnswer.FailedAsync(http.Response, "node connection limit is reached");
    }

    /// <summary>0, the default, is no limit (RabbitMQ's <c>infinity</c>).</summary>
    private static bool BelowLimit(ManagementContext context, int connections) =>
        context.Broker.Settings.MaxConnections <= 0 || connections < context.Broker.Settings.MaxConnections;

    private static Task NoCacheAsync(HttpContext http, Func<HttpResponse, JsonObject?, Task> answer)
    {
        AnonymousRoutes.NoCache(http.Response);
        return answer(http.Response, null);
    }
}
