using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Management.Json;
using AmqpBroker.Management.Statistics;

namespace AmqpBroker.Management.Formatting;

/// <summary>
/// A virtual host as RabbitMQ lists it, with its queues' message totals, description, tags and default queue type.
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
            ["description"] = virtualHost.Metadata.Description,
            ["tags"] = Tags(virtualHost),
            ["default_queue_type"] = ReportedDefaultQueueType(virtualHost, context),
        };
        if (context.Broker.Settings.Profile.VirtualHostDeletionProtection)
        {
            // vhost:info_keys at v4.1.0: protected_from_deletion after default_queue_type.
            json["protected_from_deletion"] = virtualHost.Metadata.ProtectedFromDeletion == true;
        }

        json.Add("metadata", Metadata(virtualHost, context));
        json.Add("tracing", virtualHost.Tracer.IsOn);
        json.Add("cluster_state", new JsonObject { [context.NodeName] = "running" });
        MessageStatsJson.AddRated(json, "messages", ready + unacked, queues.Sum(q => context.Rates.Rate(q, SampledValue.Messages)));
        MessageStatsJson.AddRated(json, "messages_ready", ready, queues.Sum(q => context.Rates.Rate(q, SampledValue.MessagesReady)));
        MessageStatsJson.AddRated(json, "messages_unacknowledged", unacked, queues.Sum(q => context.Rates.Rate(q, SampledValue.MessagesUnacknowledged)));
        return json;
    }

    /// <summary>
    /// A vhost in the definitions export: its name only up to 3.12, with its description, tags, default queue type
    /// (3.13.4 to 4.1.0, <see cref="Core.Profiles.VersionProfile.DefinitionsExportDefaultQueueType"/>) and metadata from
    /// 3.13 (rabbit_mgmt_wm_definitions:rw_state per tag), and from 4.2.9 its name, limits and metadata
    /// (rabbit_definitions:vhost_definition); an import reads metadata.default_queue_type.
    /// </summary>
    public static JsonObject Definition(VirtualHost virtualHost, ManagementContext context)
    {
        var profile = context.Broker.Settings.Profile;
        if (profile.DefinitionsExportCanonical)
        {
            return new JsonObject
            {
                ["name"] = virtualHost.Name,
                ["limits"] = LimitJson.Values(context.Broker.LimitsOfVirtualHost(virtualHost.Name)),
                ["metadata"] = Metadata(virtualHost, context),
            };
        }

        if (!profile.DefinitionsExportVirtualHostMetadata)
        {
            return new JsonObject { ["name"] = virtualHost.Name };
        }

        var entry = new JsonObject { ["name"] = virtualHost.Name, ["description"] = virtualHost.Metadata.Description, ["tags"] = Tags(virtualHost) };
        if (profile.DefinitionsExportDefaultQueueType)
        {
            entry["default_queue_type"] = ReportedDefaultQueueType(virtualHost, context);
        }

        entry["metadata"] = Metadata(virtualHost, context);
        return entry;
    }

    /// <summary>
    /// The vhost's metadata as RabbitMQ keeps it: description, tags, and the default queue type when one was set; from
    /// 4.0 always, the node's when the vhost has none (rabbit_vhost:i(metadata) at v4.0.5, commit 6746fbfafe; from 4.1.1
    /// a vhost records it when created, rabbit_vhost:do_add).
    /// </summary>
    public static JsonObject Metadata(VirtualHost virtualHost, ManagementContext context)
    {
        var metadata = new JsonObject { ["description"] = virtualHost.Metadata.Description, ["tags"] = Tags(virtualHost) };
        if (virtualHost.Metadata.DefaultQueueType is not null || context.Broker.Settings.Profile.RecordsDefaultQueueType)
        {
            metadata["default_queue_type"] = ReportedDefaultQueueType(virtualHost, context);
        }

        if (virtualHost.Metadata.ProtectedFromDeletion is { } isProtected && context.Broker.Settings.Profile.VirtualHostDeletionProtection)
        {
            // Set once protection was enabled or disabled (vhost:enable_protection_from_deletion merges it in at v4.1.0).
            metadata["protected_from_deletion"] = isProtected;
        }

        return metadata;
    }

    /// <summary>
    /// A vhost without a default reports <c>undefined</c> up to 3.13 and the node's default (classic unless
    /// <c>default_queue_type</c> says otherwise) from 4.0 (rabbit_queue_type:inject_dqt at v4.0.1).
    /// </summary>
    public static string ReportedDefaultQueueType(VirtualHost virtualHost, ManagementContext context) =>
        virtualHost.Metadata.DefaultQueueType
        ?? (context.Broker.Settings.Profile.RecordsDefaultQueueType ? context.Broker.Settings.DefaultQueueType : "undefined");

    private static JsonArray Tags(VirtualHost virtualHost) => new([.. virtualHost.Metadata.Tags.Select(tag => JsonValue.Create(tag))]);
}
