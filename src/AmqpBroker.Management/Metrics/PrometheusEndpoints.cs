using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AmqpBroker.Management.Metrics;

/// <summary>
/// rabbitmq_prometheus's endpoints on a listener of their own (RabbitMQ's 15692), without credentials as there:
/// <c>/metrics</c> (object families summed), <c>/metrics/per-object</c> (one sample per object) and
/// <c>/metrics/detailed?family=…&amp;vhost=…</c> (the named groups, per object, <c>rabbitmq_detailed_</c>
/// prefix, optionally for some vhosts). The first two also carry the .NET runtime's metrics.
/// </summary>
internal static class PrometheusEndpoints
{
    private delegate void Group(PrometheusText text, MetricScope scope, MetricSnapshot snapshot);

    /// <summary>RabbitMQ's detailed groups that have something measured here (others are accepted and write nothing).</summary>
    private static readonly Dictionary<string, Group> DetailedGroups = new(StringComparer.Ordinal)
    {
        ["node_coarse_metrics"] = NodeFamilies.Coarse,
        ["node_metrics"] = NodeFamilies.Limits,
        ["node_persister_metrics"] = NodeFamilies.Persister,
        ["queue_coarse_metrics"] = ObjectFamilies.QueueCoarse,
        ["queue_consumer_count"] = ObjectFamilies.QueueConsumerCount,
        ["queue_metrics"] = (text, scope, snapshot) =>
        {
            ObjectFamilies.QueueConsumerCount(text, scope, snapshot);
            QueueFamilies.Write(text, scope, snapshot);
        },
        ["channel_metrics"] = ObjectFamilies.Channel,
        ["channel_exchange_metrics"] = ObjectFamilies.ChannelExchange,
        ["channel_queue_metrics"] = ObjectFamilies.ChannelQueue,
        ["channel_queue_exchange_metrics"] = ObjectFamilies.ChannelQueueExchange,
        ["connection_coarse_metrics"] = ObjectFamilies.ConnectionCoarse,
        ["connection_metrics"] = ObjectFamilies.Connection,
        ["connection_churn_metrics"] = GlobalFamilies.Churn,
        ["exchange_names"] = ClusterFamilies.ExchangeNames,
        ["exchange_bindings"] = ClusterFamilies.ExchangeBindings,
        ["vhost_status"] = ClusterFamilies.VirtualHostStatus,
        ["auth_attempt_metrics"] = GlobalFamilies.AuthenticationAttempts,
        ["auth_attempt_detailed_metrics"] = GlobalFamilies.AuthenticationSources,
    };

    /// <summary>The groups /metrics and /metrics/per-object write, in rabbitmq_prometheus's order.</summary>
    private static readonly Group[] AllGroups =
    [
        NodeFamilies.Coarse, NodeFamilies.Limits, NodeFamilies.Persister,
        ObjectFamilies.QueueCoarse, ObjectFamilies.QueueConsumerCount, QueueFamilies.Write,
        ObjectFamilies.Channel, ObjectFamilies.ChannelExchange, ObjectFamilies.ChannelQueue,
        ObjectFamilies.ConnectionCoarse, ObjectFamilies.Connection, ObjectFamilies.ChannelQueueExchange,
        GlobalFamilies.Churn,
    ];

    /// <summary>The Prometheus listener's whole pipeline: the three endpoints, and RabbitMQ's JSON 404 for any other path.</summary>
    public static void Serve(IApplicationBuilder branch)
    {
        branch.UseMiddleware<ErrorMiddleware>();
        branch.UseRouting();
        branch.UseEndpoints(Map);
        branch.Run(_ => throw ApiException.NotFound());
    }

    private static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/metrics", (RequestDelegate)(http => Answer(http, text => WriteAll(text, http, MetricScope.Aggregated))));
        routes.MapGet("/metrics/per-object", (RequestDelegate)(http => Answer(http, text => WriteAll(text, http, MetricScope.PerObjectScope))));
        routes.MapGet("/metrics/detailed", (RequestDelegate)(http => Answer(http, text => WriteDetailed(text, http))));
    }

    internal static void WriteAll(PrometheusText text, HttpContext http, MetricScope scope)
    {
        var context = http.RequestServices.GetRequiredService<ManagementContext>();
        var snapshot = MetricSnapshot.Take(context, scope);
        foreach (var group in AllGroups)
        {
            group(text, scope, snapshot);
        }

        GlobalFamilies.Totals(text, snapshot);
        NodeFamilies.Identity(text, snapshot);
        GlobalFamilies.Counters(text, snapshot);
        GlobalFamilies.AuthenticationAttempts(text, scope, snapshot);
        if (scope.PerObject)
        {
            GlobalFamilies.AuthenticationSources(text, scope, snapshot);
        }
        else
        {
            NodeFamilies.Alarms(text, snapshot);
        }

        http.RequestServices.GetRequiredService<RuntimeMetrics>().Write(text);
    }

    private static void WriteDetailed(PrometheusText text, HttpContext http)
    {
        var query = http.Request.Query;
        var virtualHosts = query["vhost"].Count > 0 ? query["vhost"].Select(v => v ?? "").ToHashSet(StringComparer.Ordinal) : null;
        var scope = MetricScope.Detailed(virtualHosts);
        var snapshot = MetricSnapshot.Take(http.RequestServices.GetRequiredService<ManagementContext>(), scope);
        foreach (var family in query["family"].Distinct(StringComparer.Ordinal))
        {
            if (family is not null && DetailedGroups.TryGetValue(family, out var group))
            {
                group(text, scope, snapshot);
            }
        }

        NodeFamilies.Identity(text, snapshot);
    }

    private static Task Answer(HttpContext http, Action<PrometheusText> write)
    {
        var text = new PrometheusText();
        write(text);
        http.Response.ContentType = PrometheusText.ContentType;
        return http.Response.WriteAsync(text.ToString());
    }
}
