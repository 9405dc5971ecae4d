using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Management.Formatting;
using AmqpBroker.Management.Json;

namespace AmqpBroker.Management.Definitions;

/// <summary>
/// The fields of <c>GET /api/definitions/{vhost}</c> before its categories (<see cref="VersionProfile.DefinitionsVirtualHostExport"/>):
/// <c>rabbit_version</c> alone up to 4.0.4; from 4.0.5 the version and product fields, what the document is
/// (<c>rabbitmq_definition_format</c> <c>single_virtual_host</c>, <c>original_vhost_name</c>, <c>explanation</c>) and the
/// vhost's <c>metadata</c>, <c>description</c>, <c>default_queue_type</c> (up to 4.1.0) and <c>limits</c>, in RabbitMQ's order
/// (rabbit_mgmt_wm_definitions:vhost_definitions at v4.0.5 and v4.1.8, small_parts at v4.2.9). An import ignores them,
/// as rabbit_definitions:apply_defs/4 does.
/// </summary>
internal static class VirtualHostExportHeader
{
    public static JsonObject Create(VirtualHost virtualHost, ManagementContext context)
    {
        var header = new JsonObject { ["rabbit_version"] = context.RabbitMqVersion };
        if (context.Broker.Settings.Profile.DefinitionsVirtualHostExport != VirtualHostDefinitionsExport.Described)
        {
            return header;
        }

        header["rabbitmq_version"] = context.RabbitMqVersion;
        header["product_name"] = context.ProductName;
        header["product_version"] = context.ProductVersion;
        header["rabbitmq_definition_format"] = "single_virtual_host";
        header["original_vhost_name"] = virtualHost.Name;
        header["explanation"] = $"Definitions of virtual host '{virtualHost.Name}'";
        header["metadata"] = VirtualHostJson.Metadata(virtualHost, context);
        header["description"] = "";
        if (context.Broker.Settings.Profile.DefinitionsExportDefaultQueueType)
        {
            header["default_queue_type"] = VirtualHostJson.ReportedDefaultQueueType(virtualHost, context);
        }

        header["limits"] = Limits(virtualHost, context);
        return header;
    }

    /// <summary>
    /// The vhost's limits as an object; before 4.2.9 RabbitMQ wrote the vhost record's empty proplist, <c>[]</c>, when it has
    /// none (vhost:get_limits at v4.1.8; maps:from_list from commit 46f38e8c66, <see cref="VersionProfile.DefinitionsExportCanonical"/>).
    /// </summary>
    private static JsonNode Limits(VirtualHost virtualHost, ManagementContext context)
    {
        var limits = context.Broker.LimitsOfVirtualHost(virtualHost.Name);
        return limits.Count == 0 && !context.Broker.Settings.Profile.DefinitionsExportCanonical ? new JsonArray() : LimitJson.Values(limits);
    }
}
