using AmqpBroker.Core;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Management.Formatting;
using AmqpBroker.Management.Json;

namespace AmqpBroker.Management.Definitions;

/// <summary>
/// GET /api/definitions in RabbitMQ's format: users (with their limits), vhosts, permissions, topic
/// permissions, parameters (vhost limits as RabbitMQ's vhost-limits parameters, shovels), policies, queues,
/// exchanges and explicit bindings, so the file imports into RabbitMQ. Like RabbitMQ it leaves out exclusive queues,
/// the predeclared <c>amq.*</c> exchanges and the default exchange's implicit bindings, and from 4.2.9 internal
/// exchanges (<see cref="VersionProfile.DefinitionsExportCanonical"/>); from 4.0.5 it says it is a cluster's
/// (<see cref="VersionProfile.DefinitionsExportFormatMarkers"/>). The per-vhost
/// form has no users, vhosts or permissions, and no vhost field on its items but, up to 3.11, policies and parameters
/// (<see cref="VersionProfile.DefinitionsVirtualHostExport"/>).
/// </summary>
internal static class DefinitionsExport
{
    public static JsonObject All(ManagementContext context)
    {
        var broker = context.Broker;
        var virtualHosts = broker.VirtualHosts.OrderBy(v => v.Name, StringComparer.Ordinal).ToList();
        var export = new JsonObject
        {
            ["rabbit_version"] = context.RabbitMqVersion,
            ["rabbitmq_version"] = context.RabbitMqVersion,
            ["product_name"] = context.ProductName,
            ["product_version"] = context.ProductVersion,
            ["users"] = new JsonArray([.. broker.Users.All.OrderBy(u => u.Name, StringComparer.Ordinal).Select(UserJson.For(broker))]),
            ["vhosts"] = new JsonArray([.. virtualHosts.Select(v => VirtualHostJson.Definition(v, context))]),
            ["permissions"] = new JsonArray([.. PermissionJson.Sorted(broker.Permissions)]),
            ["topic_permissions"] = SecurityDefinitions.TopicPermissions(broker),
            ["parameters"] = new JsonArray([.. SecurityDefinitions.Parameters(broker), .. broker.Parameters.All.Select(ParameterJson.Create)]),
            ["global_parameters"] = new JsonArray([.. GlobalParameters(broker)]),
            ["policies"] = new JsonArray([.. virtualHosts.SelectMany(v => Policies(v, withVirtualHost: true))]),
            ["queues"] = new JsonArray([.. virtualHosts.SelectMany(v => Queues(v, withVirtualHost: true, context))]),
            ["exchanges"] = new JsonArray([.. virtualHosts.SelectMany(v => Exchanges(v, withVirtualHost: true, context))]),
            ["bindings"] = new JsonArray([.. virtualHosts.SelectMany(v => Bindings(v, withVirtualHost: true, context))]),
        };
        if (broker.Settings.Profile.DefinitionsExportFormatMarkers)
        {
            export.Insert(4, "rabbitmq_definition_format", "cluster");
            export.Insert(5, "original_cluster_name", context.ClusterName);
            export.Insert(6, "explanation", $"Definitions of cluster '{context.ClusterName}'");
        }

        return export;
    }

    /// <summary>One vhost's export: the fields <see cref="VirtualHostExportHeader"/> puts before the categories, then the categories.</summary>
    public static JsonObject Of(VirtualHost virtualHost, ManagementContext context)
    {
        var broker = context.Broker;
        var withVirtualHost = broker.Settings.Profile.DefinitionsVirtualHostExport == VirtualHostDefinitionsExport.Plain;
        var parameters = SecurityDefinitions.Parameters(broker, virtualHost.Name)
            .Concat(broker.Parameters.All.Where(p => p.VirtualHost == virtualHost.Name).Select(ParameterJson.Create));
        var export = VirtualHostExportHeader.Create(virtualHost, context);
        export["parameters"] = new JsonArray([.. parameters.Select(p => Scoped(p, withVirtualHost))]);
        export["policies"] = new JsonArray([.. Policies(virtualHost, withVirtualHost)]);
        export["queues"] = new JsonArray([.. Queues(virtualHost, withVirtualHost: false, context)]);
        export["exchanges"] = new JsonArray([.. Exchanges(virtualHost, withVirtualHost: false, context)]);
        export["bindings"] = new JsonArray([.. Bindings(virtualHost, withVirtualHost: false, context)]);
        return export;
    }

    /// <summary>
    /// Every global parameter; from 4.2.9 (<see cref="VersionProfile.DefinitionsExportCanonical"/>) none whose name starts
    /// with <c>internal</c> (rabbit_definitions:list_global_runtime_parameters, which the management export calls from
    /// v4.2.9; before, rabbit_mgmt_wm_global_parameters:basic/0 listed them all).
    /// </summary>
    private static IEnumerable<JsonObject> GlobalParameters(Broker broker) => broker.GlobalParameters.All
        .Where(p => !broker.Settings.Profile.DefinitionsExportCanonical || !p.Key.StartsWith("internal", StringComparison.Ordinal))
        .Select(p => ParameterJson.Global(p.Key, p.Value));

    private static IEnumerable<JsonObject> Policies(VirtualHost virtualHost, bool withVirtualHost) =>
        virtualHost.Policies.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => Scoped(PolicyJson.Create(p), withVirtualHost));

    /// <summary>Non-exclusive queues; from 4.2.9 (<see cref="VersionProfile.DefinitionsExportCanonical"/>) each with its type.</summary>
    private static IEnumerable<JsonObject> Queues(VirtualHost virtualHost, bool withVirtualHost, ManagementContext context) => virtualHost.Queues
        .Where(q => !q.Definition.Exclusive)
        .OrderBy(q => q.Name, StringComparer.Ordinal)
        .Select(q => Scoped(Queue(q, context.Broker.Settings.Profile.DefinitionsExportCanonical), withVirtualHost));

    /// <summary>Declared exchanges; from 4.2.9 no internal ones and no <c>internal</c> field (rabbit_definitions:list_exchanges).</summary>
    private static IEnumerable<JsonObject> Exchanges(VirtualHost virtualHost, bool withVirtualHost, ManagementContext context)
    {
        var canonical = context.Broker.Settings.Profile.DefinitionsExportCanonical;
        return virtualHost.Exchanges
            .Where(e => e.Name.Length > 0 && !e.Name.StartsWith("amq.", StringComparison.Ordinal) && !(canonical && e.Definition.Internal))
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .Select(e => Scoped(Exchange(e.Definition, canonical), withVirtualHost));
    }

    private static JsonObject Exchange(ExchangeDefinition definition, bool canonical)
    {
        var json = ExchangeJson.Definition(definition);
        if (canonical)
        {
            json.Remove("internal");
        }

        return json;
    }

    /// <summary>
    /// Explicit bindings only; a binding to an exclusive queue goes with the queue up to 4.2.8 (rabbit_mgmt_wm_definitions:
    /// export_binding at v3.10.8 and v4.1.8) and is exported from 4.2.9 (<see cref="VersionProfile.DefinitionsExportCanonical"/>).
    /// </summary>
    private static IEnumerable<JsonObject> Bindings(VirtualHost virtualHost, bool withVirtualHost, ManagementContext context)
    {
        var withExclusive = context.Broker.Settings.Profile.DefinitionsExportCanonical;
        return virtualHost.Exchanges
            .Where(e => e.Name.Length > 0)
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .SelectMany(e => e.Bindings.OrderBy(b => b.Destination.Name, StringComparer.Ordinal).ThenBy(b => b.RoutingKey, StringComparer.Ordinal))
            .Where(b => withExclusive || b.Destination is not Queue { Definition.Exclusive: true })
            .Select(b => Scoped(Binding(b), withVirtualHost));
    }

    private static JsonObject Queue(Queue queue, bool canonical)
    {
        var definition = queue.Definition;
        var json = new JsonObject { ["name"] = definition.Name, ["vhost"] = definition.VirtualHost };
        if (canonical)
        {
            json["type"] = queue.TypeName;
        }

        json["durable"] = definition.Durable;
        json["auto_delete"] = definition.AutoDelete;
        json["arguments"] = FieldTableJson.ToJson(definition.Arguments);
        return json;
    }

    private static JsonObject Binding(Binding binding) => new()
    {
        ["source"] = binding.Source.Name,
        ["vhost"] = binding.Source.Definition.VirtualHost,
        ["destination"] = binding.Destination.Name,
        ["destination_type"] = binding.Destination is Queue ? "queue" : "exchange",
        ["routing_key"] = binding.RoutingKey,
        ["arguments"] = FieldTableJson.ToJson(binding.Arguments),
    };

    private static JsonObject Scoped(JsonObject item, bool withVirtualHost)
    {
        if (!withVirtualHost)
        {
            item.Remove("vhost");
        }

        return item;
    }
}
