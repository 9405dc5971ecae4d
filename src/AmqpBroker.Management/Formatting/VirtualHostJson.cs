using System.Text.Json.Nodes;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Management.Json;
using AmqpBroker.Management.Statistics;

namespace AmqpBroker.Management.Formatting;

/// <summary>
/// A virtual host as RabbitMQ lists it, with its queues' message totals. Descriptions and tags are not
/// kept by the broker, so they are always empty.
/// </summary>
internal static class VirtualHostJson
{
    public static JsonObject Create(VirtualHost virtualHost, ManagementContext context)
    {
        var queues = virtualHost.Queues;
        var (ready, unacked) = (queues.Sum(q => (long)q.ReadyCount), queues.Sum(q => (long)q.UnackedCount));
        var json = new JsonObject
        {
            ["name"] = virtualHost.Name,
            ["description"] = "",
            ["tags"] = new JsonArray(),
            ["default_queue_type"] = "undefined",
            ["metadata"] = new JsonObject { ["description"] = "", ["tags"] = new JsonArray() },
            ["tracing"] = virtualHost.Tracer.IsOn,
            ["cluster_state"] = new JsonObject { [context.NodeName] = "running" },
        };
        MessageStatsJson.AddRated(json, "messages", ready + unacked, queues.Sum(q => context.Rates.Rate(q, SampledValue.Messages)));
        MessageStatsJson.AddRated(json, "messages_ready", ready, queues.Sum(q => context.Rates.Rate(q, SampledValue.MessagesReady)));
        MessageStatsJson.AddRated(json, "messages_unacknowledged", unacked, queues.Sum(q => context.Rates.Rate(q, SampledValue.MessagesUnacknowledged)));
        return json;
    }
}
