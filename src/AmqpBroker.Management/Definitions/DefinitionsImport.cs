using AmqpBroker.Core;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Management.Formatting;
using AmqpBroker.Management.Json;
using AmqpBroker.Management.Messaging;

namespace AmqpBroker.Management.Definitions;

/// <summary>
/// POST /api/definitions: applies a file in RabbitMQ's format with RabbitMQ's merge rules. Users (with their
/// limits), vhosts, permissions, topic permissions, vhost limits, policies and parameters are created or
/// overwritten; queues, exchanges and bindings that already exist are left as they are. Parameters come last, so a
/// shovel starts once the queues it moves exist; one of a component this broker does not have is refused. Global
/// parameters are set as given, the file's <c>internal_cluster_id</c> too, as RabbitMQ does. An entry
/// that fails stops the import, and unlike RabbitMQ (which keeps what came before it) nothing of the file
/// stays: the import runs in one store transaction and is undone in memory (<see cref="ImportUndo"/>).
/// </summary>
internal sealed class DefinitionsImport(Broker broker, ApiUser user)
{
    public void ImportAll(JsonBody document)
    {
        var objects = ObjectSections.Read(document);
        var users = Entries(document, "users");
        var virtualHosts = Entries(document, "vhosts");
        var permissions = Entries(document, "permissions");
        var topicPermissions = Entries(document, "topic_permissions");
        var globalParameters = Entries(document, "global_parameters");
        ImportUndo.Run(broker, undo =>
        {
            foreach (var entry in users)
            {
                ImportUser(entry, undo);
            }

            foreach (var entry in virtualHosts)
            {
                ImportVirtualHost(entry, undo);
            }

            foreach (var entry in permissions)
            {
                ImportPermission(entry, undo);
            }

            foreach (var entry in topicPermissions)
            {
                SecurityDefinitions.ImportTopicPermission(broker, entry, undo);
            }

            foreach (var entry in globalParameters)
            {
                ImportGlobalParameter(entry, undo);
            }

            ImportObjects(objects, entry => ExistingVirtualHost(entry.RequireString("vhost")), perVirtualHost: false, undo);
        });
    }

    public void ImportInto(VirtualHost virtualHost, JsonBody document)
    {
        var objects = ObjectSections.Read(document);
        ImportUndo.Run(broker, undo => ImportObjects(objects, _ => virtualHost, perVirtualHost: true, undo));
    }

    /// <summary>Policies and parameters that validation refuses are named as RabbitMQ names them (<see cref="ImportReason"/>).</summary>
    private void ImportObjects(ObjectSections sections, Func<JsonBody, VirtualHost> virtualHostOf, bool perVirtualHost, ImportUndo undo)
    {
        var profile = broker.Settings.Profile;
        foreach (var entry in sections.VirtualHostLimits)
        {
            var virtualHost = virtualHostOf(entry).Name;
            ImportReason.Named(profile, perVirtualHost, virtualHost, SecurityDefinitions.VirtualHostLimitsComponent, "limits",
                () => SecurityDefinitions.ImportVirtualHostLimits(broker, virtualHost, entry, undo));
        }

        foreach (var entry in sections.Policies)
        {
            var (virtualHost, name) = (virtualHostOf(entry).Name, entry.RequireString("name"));
            ImportReason.Named(profile, perVirtualHost, virtualHost, component: null, name, () => ImportPolicy(PolicyJson.Read(virtualHost, name, entry), undo));
        }

        foreach (var entry in sections.Queues)
        {
            Apply(entry, "queue", virtualHostOf(entry), undo, ImportQueue);
        }

        foreach (var entry in sections.Exchanges)
        {
            Apply(entry, "exchange", virtualHostOf(entry), undo, ImportExchange);
        }

        foreach (var entry in sections.Bindings)
        {
            Apply(entry, "binding", virtualHostOf(entry), undo, ImportBinding);
        }

        foreach (var entry in sections.Parameters)
        {
            var (component, virtualHost, name) = (entry.RequireString("component"), virtualHostOf(entry).Name, entry.RequireString("name"));
            ImportReason.Named(profile, perVirtualHost, virtualHost, component, name, () => ImportParameter(ParameterJson.Read(component, virtualHost, name, entry), undo));
        }
    }

    private void ImportParameter(RuntimeParameter parameter, ImportUndo undo)
    {
        var parameters = broker.Parameters;
        var previous = parameters.Find(parameter.Component, parameter.VirtualHost, parameter.Name);
        parameters.Put(parameter);
        undo.Add(previous is null ? () => parameters.Clear(parameter.Component, parameter.VirtualHost, parameter.Name) : () => parameters.Put(previous));
    }

    /// <summary>rabbit_definitions:add_global_parameter/2: the value as given, null where the entry has none.</summary>
    private void ImportGlobalParameter(JsonBody entry, ImportUndo undo)
    {
        var name = entry.RequireString("name");
        var parameters = broker.GlobalParameters;
        var previous = parameters.Find(name);
        parameters.Put(name, System.Text.Json.JsonSerializer.SerializeToElement(entry.Root["value"]));
        undo.Add(previous is { } value ? () => parameters.Put(name, value) : () => parameters.Clear(name));
    }

    private void ImportUser(JsonBody entry, ImportUndo undo)
    {
        var user = UserDocument.Read(entry.RequireString("name"), entry, broker.Settings.PasswordHashingModule);
        var previous = broker.Users.Find(user.Name);
        broker.PutUser(user);
        undo.Add(previous is null ? () => broker.DeleteUser(user.Name) : () => broker.PutUser(previous));
        SecurityDefinitions.ImportUserLimits(broker, user.Name, entry, undo);
    }

    /// <summary>
    /// A vhost with its description, tags and default queue type, each read from the entry or else its metadata
    /// (rabbit_definitions:add_vhost); an existing one takes the description and tags and keeps its default queue type.
    /// </summary>
    private void ImportVirtualHost(JsonBody entry, ImportUndo undo)
    {
        var name = entry.RequireString("name");
        var metadata = ReadMetadata(entry);
        if (broker.FindVirtualHost(name) is { } existing)
        {
            var previous = existing.Metadata;
            broker.AddVirtualHost(name, metadata with { DefaultQueueType = null });
            undo.Add(() => broker.AddVirtualHost(name, previous));
            return;
        }

        broker.AddVirtualHost(name, metadata);
        undo.Add(() => broker.DeleteVirtualHost(name));
    }

    private static VirtualHostMetadata ReadMetadata(JsonBody entry)
    {
        var metadata = JsonBody.Of(entry.Object("metadata") ?? [], "a vhost's metadata");
        try
        {
            return VirtualHostMetadata.Parse(metadata.String("default_queue_type")) with
            {
                Description = entry.String("description") ?? metadata.String("description") ?? "",
                Tags = VirtualHostMetadata.ParseTags(FieldTableJson.FromJson(entry.Root["tags"] ?? metadata.Root["tags"])),
            };
        }
        catch (ArgumentException ex)
        {
            throw ApiException.BadRequest($"vhost '{entry.String("name")}': {ex.Message}");
        }
    }

    private void ImportPermission(JsonBody entry, ImportUndo undo)
    {
        var permission = PermissionDocument.Read(entry.RequireString("user"), entry.RequireString("vhost"), entry);
        var previous = broker.FindPermission(permission.User, permission.VirtualHost);
        broker.SetPermission(permission);
        undo.Add(previous is null ? () => broker.ClearPermission(permission.User, permission.VirtualHost) : () => broker.SetPermission(previous));
    }

    private void ImportPolicy(Policy policy, ImportUndo undo)
    {
        var previous = broker.FindVirtualHost(policy.VirtualHost)?.Policies.FirstOrDefault(p => p.Name == policy.Name);
        broker.PutPolicy(policy);
        undo.Add(previous is null ? () => broker.DeletePolicy(policy.VirtualHost, policy.Name) : () => broker.PutPolicy(previous));
    }

    private void ImportQueue(VirtualHost virtualHost, JsonBody entry, ImportUndo undo)
    {
        var name = NameRules.Check(entry.RequireString("name"), "queue name");
        if (virtualHost.FindQueue(name) is not null)
        {
            return;
        }

        var definition = new QueueDefinition(name, virtualHost.Name, entry.Boolean("durable") ?? true, Exclusive: false, entry.Boolean("auto_delete") ?? false, entry.Table("arguments"));
        virtualHost.DeclareQueue(definition, HttpConnection.For(user, virtualHost.Name), passive: false);
        undo.Add(() => virtualHost.DeleteQueue(name, ifUnused: false, ifEmpty: false, connection: null));
    }

    private static void ImportExchange(VirtualHost virtualHost, JsonBody entry, ImportUndo undo)
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
        undo.Add(() => virtualHost.DeleteExchange(name, ifUnused: false));
    }

    private void ImportBinding(VirtualHost virtualHost, JsonBody entry, ImportUndo undo)
    {
        var source = entry.RequireString("source");
        var destination = entry.RequireString("destination");
        var routingKey = NameRules.Check(entry.String("routing_key") ?? "", "routing key");
        var arguments = entry.Table("arguments");
        var connection = HttpConnection.For(user, virtualHost.Name);
        switch (entry.RequireString("destination_type"))
        {
            case "queue":
                var existed = IsBound(virtualHost, source, virtualHost.FindQueue(destination), routingKey, arguments);
                virtualHost.Bind(destination, source, routingKey, arguments, connection);
                if (!existed)
                {
                    undo.Add(() => virtualHost.Unbind(destination, source, routingKey, arguments, connection));
                }

                break;
            case "exchange":
                existed = IsBound(virtualHost, source, virtualHost.Exchanges.FirstOrDefault(e => e.Name == destination), routingKey, arguments);
                virtualHost.BindExchange(destination, source, routingKey, arguments);
                if (!existed)
                {
                    undo.Add(() => virtualHost.UnbindExchange(destination, source, routingKey, arguments));
                }

                break;
            case var other:
                throw ApiException.BadRequest($"binding destination_type must be \"queue\" or \"exchange\", got \"{other}\"");
        }
    }

    /// <summary>Whether the binding is there already, so that undoing the import must leave it.</summary>
    private static bool IsBound(VirtualHost virtualHost, string source, IBindingDestination? destination, string routingKey, IReadOnlyDictionary<string, object?> arguments) =>
        destination is not null && virtualHost.Exchanges.FirstOrDefault(e => e.Name == source) is { } exchange
        && exchange.Bindings.Any(b => b.Matches(destination, routingKey, arguments));

    /// <summary>Applies one entry; a broker refusal names the entry, so the operator knows where the import stopped.</summary>
    private static void Apply(JsonBody entry, string what, VirtualHost virtualHost, ImportUndo undo, Action<VirtualHost, JsonBody, ImportUndo> import)
    {
        try
        {
            import(virtualHost, entry, undo);
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

    /// <summary>The sections both import forms share, read (and shape-checked) up front.</summary>
    private sealed record ObjectSections(List<JsonBody> VirtualHostLimits, List<JsonBody> Policies, List<JsonBody> Queues, List<JsonBody> Exchanges, List<JsonBody> Bindings, List<JsonBody> Parameters)
    {
        /// <summary>Vhost limits are kept as limits here, not as runtime parameters: they are read apart from the other parameters.</summary>
        public static ObjectSections Read(JsonBody document)
        {
            var parameters = Entries(document, "parameters");
            return new(
                [.. parameters.Where(SecurityDefinitions.IsVirtualHostLimits)], Entries(document, "policies"), Entries(document, "queues"),
                Entries(document, "exchanges"), Entries(document, "bindings"), [.. parameters.Where(p => !SecurityDefinitions.IsVirtualHostLimits(p))]);
        }
    }
}
