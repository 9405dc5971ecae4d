using System.Text.Json.Nodes;
using AmqpBroker.Core;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Management.Formatting;
using AmqpBroker.Management.Http;
using AmqpBroker.Management.Messaging;
using AmqpBroker.Management.Security;

namespace AmqpBroker.Management.Definitions;

/// <summary>
/// POST /api/definitions: applies a file in RabbitMQ's format with RabbitMQ's merge rules. Users, vhosts,
/// permissions and policies are created or overwritten; queues, exchanges and bindings that already exist
/// are left as they are. Sections this broker has no counterpart for are refused before anything is
/// applied when they hold entries (vhost-scoped parameters of plugins, topic permissions); global
/// parameters (cluster metadata such as RabbitMQ's internal_cluster_id) are accepted and ignored. As in
/// RabbitMQ, an entry that fails stops the import, leaving what came before it applied.
/// </summary>
internal sealed class DefinitionsImport(Broker broker, ApiUser user)
{
    public void ImportAll(JsonBody document)
    {
        RefuseUnsupported(document, "topic_permissions");
        var objects = ObjectSections.Read(document);
        var users = Entries(document, "users");
        var virtualHosts = Entries(document, "vhosts");
        var permissions = Entries(document, "permissions");
        foreach (var entry in users)
        {
            broker.PutUser(UserDocument.Read(entry.RequireString("name"), entry));
        }

        foreach (var entry in virtualHosts)
        {
            broker.AddVirtualHost(entry.RequireString("name"));
        }

        foreach (var entry in permissions)
        {
            broker.SetPermission(PermissionDocument.Read(entry.RequireString("user"), entry.RequireString("vhost"), entry));
        }

        ImportObjects(objects, entry => ExistingVirtualHost(entry.RequireString("vhost")));
    }

    public void ImportInto(VirtualHost virtualHost, JsonBody document) => ImportObjects(ObjectSections.Read(document), _ => virtualHost);

    private void ImportObjects(ObjectSections sections, Func<JsonBody, VirtualHost> virtualHostOf)
    {
        foreach (var entry in sections.Policies)
        {
            broker.PutPolicy(PolicyJson.Read(virtualHostOf(entry).Name, entry.RequireString("name"), entry));
        }

        foreach (var entry in sections.Queues)
        {
            Apply(entry, "queue", virtualHostOf(entry), ImportQueue);
        }

        foreach (var entry in sections.Exchanges)
        {
            Apply(entry, "exchange", virtualHostOf(entry), ImportExchange);
        }

        foreach (var entry in sections.Bindings)
        {
            Apply(entry, "binding", virtualHostOf(entry), ImportBinding);
        }
    }

    private void ImportQueue(VirtualHost virtualHost, JsonBody entry)
    {
        var name = NameRules.Check(entry.RequireString("name"), "queue name");
        if (virtualHost.FindQueue(name) is not null)
        {
            return;
        }

        var definition = new QueueDefinition(name, virtualHost.Name, entry.Boolean("durable") ?? true, Exclusive: false, entry.Boolean("auto_delete") ?? false, entry.Table("arguments"));
        virtualHost.DeclareQueue(definition, HttpConnection.For(user, virtualHost.Name), passive: false);
    }

    private static void ImportExchange(VirtualHost virtualHost, JsonBody entry)
    {
        var name = NameRules.Check(entry.RequireString("name"), "exchange name");
        if (virtualHost.Exchanges.Any(e => e.Name == name))
        {
            return;
        }

        virtualHost.DeclareExchange(new ExchangeDefinition(
            name,
            virtualHost.Name,
            entry.RequireString("type"),
            entry.Boolean("durable") ?? true,
            entry.Boolean("auto_delete") ?? false,
            entry.Boolean("internal") ?? false,
            entry.Table("arguments")), passive: false);
    }

    private void ImportBinding(VirtualHost virtualHost, JsonBody entry)
    {
        var source = entry.RequireString("source");
        var destination = entry.RequireString("destination");
        var routingKey = NameRules.Check(entry.String("routing_key") ?? "", "routing key");
        var arguments = entry.Table("arguments");
        switch (entry.RequireString("destination_type"))
        {
            case "queue":
                virtualHost.Bind(destination, source, routingKey, arguments, HttpConnection.For(user, virtualHost.Name));
                break;
            case "exchange":
                virtualHost.BindExchange(destination, source, routingKey, arguments);
                break;
            case var other:
                throw ApiException.BadRequest($"binding destination_type must be \"queue\" or \"exchange\", got \"{other}\"");
        }
    }

    /// <summary>Applies one entry; a broker refusal names the entry, so the operator knows where the import stopped.</summary>
    private static void Apply(JsonBody entry, string what, VirtualHost virtualHost, Action<VirtualHost, JsonBody> import)
    {
        try
        {
            import(virtualHost, entry);
        }
        catch (AmqpException ex)
        {
            var name = entry.String("name") ?? $"{entry.String("source")} -> {entry.String("destination")}";
            throw ApiException.BadRequest($"{what} '{name}' in vhost '{virtualHost.Name}': {ex.Message}");
        }
    }

    private VirtualHost ExistingVirtualHost(string name) =>
        broker.FindVirtualHost(name) ?? throw ApiException.BadRequest($"no_such_vhost: '{name}' (define it in the vhosts section)");

    /// <summary>A section's entries, each checked to be an object before anything is applied.</summary>
    private static List<JsonBody> Entries(JsonBody document, string section) =>
        [.. (document.Array(section) ?? []).Select(node => JsonBody.Of(node, $"each entry of '{section}'"))];

    private static void RefuseUnsupported(JsonBody document, string section)
    {
        if (document.Array(section) is { Count: > 0 })
        {
            throw ApiException.BadRequest($"'{section}' entries are not supported by this broker; remove them from the file to import the rest");
        }
    }

    /// <summary>The sections both import forms share, read (and shape-checked) up front.</summary>
    private sealed record ObjectSections(List<JsonBody> Policies, List<JsonBody> Queues, List<JsonBody> Exchanges, List<JsonBody> Bindings)
    {
        public static ObjectSections Read(JsonBody document)
        {
            RefuseUnsupported(document, "parameters");
            return new(Entries(document, "policies"), Entries(document, "queues"), Entries(document, "exchanges"), Entries(document, "bindings"));
        }
    }
}
