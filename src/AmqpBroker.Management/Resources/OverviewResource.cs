using System.Diagnostics;
using AmqpBroker.Core;
using AmqpBroker.Core.Alarms;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Management.Formatting;
using AmqpBroker.Management.Json;
using AmqpBroker.Management.Metrics;
using AmqpBroker.Management.Statistics;

namespace AmqpBroker.Management.Resources;

/// <summary>The node-level endpoints: /api/overview, /api/whoami, /api/nodes, /api/extensions.</summary>
internal static class OverviewResource
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.Get("/api/overview", Access.Management, Overview);
        routes.Get("/api/whoami", Access.Management, request => request.JsonAsync(new JsonObject
        {
            ["name"] = request.User.Name,
            ["tags"] = new JsonArray([.. request.User.User.Tags.Select(t => JsonValue.Create(t))]),
        }));
        routes.Get("/api/nodes", Access.Monitoring, request => request.ListAsync([Node(request.Context)]));
        routes.Get("/api/nodes/{node}", Access.Monitoring, request =>
            request.Route("node") == request.Context.NodeName ? request.JsonAsync(Node(request.Context)) : throw ApiException.NotFound());
        // No management UI extensions exist here.
        routes.Get("/api/extensions", Access.Management, request => request.JsonAsync(new JsonArray()));
    }

    private static Task Overview(ApiRequest request)
    {
        var context = request.Context;
        var broker = request.Broker;
        var user = request.User;
        var virtualHosts = request.VisibleVirtualHosts().ToList();
        var queues = virtualHosts.SelectMany(v => v.Queues).ToList();
        var channels = BrokerObjects.Channels(broker).Where(c => user.CanSee(c.Session.Connection)).ToList();
        var (ready, unacked) = (queues.Sum(q => (long)q.ReadyCount), queues.Sum(q => (long)q.UnackedCount));

        var queueTotals = new JsonObject();
        MessageStatsJson.AddRated(queueTotals, "messages", ready + unacked, context.Rates.Rate(broker, SampledValue.Messages));
        MessageStatsJson.AddRated(queueTotals, "messages_ready", ready, context.Rates.Rate(broker, SampledValue.MessagesReady));
        MessageStatsJson.AddRated(queueTotals, "messages_unacknowledged", unacked, context.Rates.Rate(broker, SampledValue.MessagesUnacknowledged));
        var messageStats = MessageStatsJson.ForPublisher(broker.MessageTotals, broker, context.Rates);
        HistoryJson.AddLengthSamples(queueTotals, context.Rates.BrokerHistory, request.Http.Request.Query);
        HistoryJson.AddRateSamples(messageStats, context.Rates.BrokerHistory, request.Http.Request.Query);
        var overview = new JsonObject
        {
            ["management_version"] = context.RabbitMqVersion,
            ["rates_mode"] = "basic",
            ["exchange_types"] = ExchangeTypeList(broker),
            ["product_version"] = context.ProductVersion,
            ["product_name"] = context.ProductName,
            ["rabbitmq_version"] = context.RabbitMqVersion,
            ["cluster_name"] = context.ClusterName,
            ["erlang_version"] = RuntimeVersions.ErlangVersion,
            ["erlang_full_version"] = RuntimeVersions.ErlangFullVersion,
            ["node"] = context.NodeName,
            ["disable_stats"] = false,
            ["enable_queue_totals"] = false,
            ["message_stats"] = messageStats,
            ["queue_totals"] = queueTotals,
            ["object_totals"] = new JsonObject
            {
                ["channels"] = channels.Count,
                ["connections"] = broker.Connections.Count(user.CanSee),
                ["consumers"] = queues.Sum(q => q.ConsumerCount),
                ["exchanges"] = virtualHosts.Sum(v => v.Exchanges.Count),
                ["queues"] = queues.Count,
            },
            ["statistics_db_event_queue"] = 0,
            ["listeners"] = new JsonArray([.. context.Listeners.Where(l => l.Protocol != "http").Select(l => Listener(l, context.NodeName))]),
            ["contexts"] = Contexts(context),
        };
        AddReleaseFields(overview, broker.Settings);
        return request.JsonAsync(overview);
    }

    /// <summary>The fields only some releases report (rabbit_mgmt_wm_overview:to_json per tag), with a single node's values.</summary>
    private static void AddReleaseFields(JsonObject overview, BrokerSettings settings)
    {
        var fields = settings.Profile.OverviewFields;
        if (fields.HasFlag(OverviewFields.ReleaseSeriesSupportStatus))
        {
            overview["release_series_support_status"] = "supported";
        }

        if (fields.HasFlag(OverviewFields.OperatorPolicyUpdating))
        {
            overview["is_op_policy_updating_enabled"] = true;
        }

        if (fields.HasFlag(OverviewFields.Tags))
        {
            overview["cluster_tags"] = new JsonArray();
            overview["node_tags"] = new JsonArray();
        }

        if (fields.HasFlag(OverviewFields.DefaultQueueType))
        {
            // rabbit_mgmt_wm_overview at v4.0.5: the node's default_queue_type.
            overview["default_queue_type"] = settings.DefaultQueueType;
        }

        if (fields.HasFlag(OverviewFields.CryptoLibVersion))
        {
            overview["crypto_lib_version"] = RuntimeVersions.CryptoLibVersion;
        }
    }

    private static JsonObject Node(ManagementContext context)
    {
        var broker = context.Broker;
        using var process = Process.GetCurrentProcess();
        var stats = ProcessStats.Read();
        var node = new JsonObject
        {
            ["name"] = context.NodeName,
            ["type"] = "disc",
            ["running"] = true,
            ["os_pid"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["processors"] = Environment.ProcessorCount,
            ["uptime"] = (long)(broker.Time.GetUtcNow() - broker.StartedAt).TotalMilliseconds,
            ["mem_used"] = process.WorkingSet64,
            // The limits the alarms watch (RabbitMQ reports disk_free_limit in bytes, mem_limit likewise).
            ["mem_limit"] = broker.Resources.Memory?.LimitBytes,
            ["disk_free_limit"] = broker.Resources.Disk?.LimitBytes ?? DiskFreeLimit.DefaultBytes,
            // What the OS reports for this process (null where it reports nothing); sockets are the AMQP
            // connections counted against the descriptor budget, as RabbitMQ's file handle cache counts them.
            ["fd_used"] = stats.OpenFileDescriptors,
            ["fd_total"] = stats.MaxFileDescriptors,
            ["sockets_used"] = broker.Resources.Descriptors.SocketsUsed,
            ["sockets_total"] = broker.Resources.Descriptors.SocketLimit,
            ["disk_free"] = ProcessStats.FreeDiskBytes(context.DataDirectory),
            ["mem_alarm"] = broker.Alarm.IsRaised(AlarmResource.Memory),
            ["disk_free_alarm"] = broker.Alarm.IsRaised(AlarmResource.Disk),
            ["rates_mode"] = "basic",
            ["partitions"] = new JsonArray(),
            ["exchange_types"] = ExchangeTypeList(broker),
            ["auth_mechanisms"] = new JsonArray(
                new JsonObject { ["name"] = "PLAIN", ["description"] = "SASL PLAIN authentication mechanism", ["enabled"] = true },
                new JsonObject { ["name"] = "AMQPLAIN", ["description"] = "QPid AMQPLAIN mechanism", ["enabled"] = true }),
            ["contexts"] = Contexts(context),
        };
        if (broker.Settings.Profile.NodeVersionFields)
        {
            AddVersionFields(node, context);
        }

        return node;
    }

    /// <summary>The versions a node reports from 4.2.4 (rabbit_mgmt_external_stats at v4.2.4, #15454 and #15468).</summary>
    private static void AddVersionFields(JsonObject node, ManagementContext context)
    {
        node["rabbitmq_version"] = context.RabbitMqVersion;
        node["erlang_version"] = RuntimeVersions.ErlangVersion;
        node["erlang_full_version"] = RuntimeVersions.ErlangFullVersion;
        node["crypto_lib_version"] = RuntimeVersions.CryptoLibVersion;
    }

    /// <summary>The exchange types the broker's registry knows, by name.</summary>
    private static JsonArray ExchangeTypeList(Broker broker) => new([.. broker.ExchangeTypes.Types.Select(t => new JsonObject
    {
        ["name"] = t.Name,
        ["description"] = t.Description,
        ["enabled"] = true,
    })]);

    private static JsonObject Listener(ManagementListener listener, string node) => new()
    {
        ["node"] = node,
        ["protocol"] = listener.Protocol,
        ["ip_address"] = listener.EndPoint.Address.ToString(),
        ["port"] = listener.EndPoint.Port,
        ["socket_opts"] = new JsonObject(),
    };

    /// <summary>The HTTP listeners as RabbitMQ's web contexts: the management API's, and rabbitmq_prometheus's with its protocol (an Erlang atom there, quoted).</summary>
    private static JsonArray Contexts(ManagementContext context) => new([.. context.Listeners
        .Where(l => l.Protocol is "http" or ManagementListener.PrometheusProtocol)
        .Select(l =>
        {
            var prometheus = l.Protocol == ManagementListener.PrometheusProtocol;
            var json = new JsonObject
            {
                ["node"] = context.NodeName,
                ["description"] = prometheus ? "RabbitMQ Prometheus" : "RabbitMQ Management",
                ["path"] = "/",
                ["ip"] = l.EndPoint.Address.ToString(),
                ["port"] = l.EndPoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            if (prometheus)
            {
                json["protocol"] = $"'{l.Protocol}'";
            }

            return json;
        })]);
}
