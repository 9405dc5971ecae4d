using AmqpBroker.Core;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Profiles;
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
/// that fails stops the import with RabbitMQ's reason (<see cref="ImportReason"/>, <see cref="ImportFailure"/>), and
/// unlike RabbitMQ (which keeps what came before it) nothing of the file stays: the import runs in one store
/// transaction and is undone in memory (<see cref="ImportUndo"/>).
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

            var failure = new ImportFailure(broker.Settings.Profile, perVirtualHost: false);
            foreach (var entry in permissions)
            {
                ImportPermission(entry, failure, undo);
            }

            foreach (var entry in topicPermissions)
            {
                SecurityDefinitions.ImportTopicPermission(broker, entry, undo);
            }

            foreach (var entry in globalParameters)
            {
                ImportGlobalParameter(entry, undo);
            }

            ImportObjects(objects, into: null, undo);
        });
    }

    public void ImportInto(VirtualHost virtualHost, JsonBody document)
    {
        var objects = ObjectSections.Read(document);
        ImportUndo.Run(broker, undo => ImportObjects(objects, virtualHost, undo));
    }

    /// <summary>
    /// RabbitMQ 3.10's import into the vhost an <c>x-vhost</c> header names when there is no such vhost
    /// (rabbit_mgmt_util:vhost/1 did not check it): whatever would be created in it stops the import, bindings and the
    /// sections of a full import are not read (checked against RabbitMQ 3.10.8).
    /// </summary>
    public void ImportIntoMissing(string virtualHost, JsonBody document)
    {
        var objects = ObjectSections.Read(document);
        if (objects.VirtualHostLimits.Count + objects.Policies.Count + objects.Queues.Count + objects.Exchanges.Count + objects.Parameters.Count > 0)
        {
            throw new ImportFailure(broker.Settings.Profile, perVirtualHost: true).NoSuchVirtualHost(virtualHost);
        }
    }

    /// <summary>The objects of a full import (<paramref name="into"/> null: each names its vhost) or of one vhost's.</summary>
    private void ImportObjects(ObjectSections sections, VirtualHost? into, ImportUndo undo)
    {
        var profile = broker.Settings.Profile;
        var perVirtualHost = into is not null;
        var failure = new ImportFailure(profile, perVirtualHost);
        VirtualHost VirtualHostOf(JsonBody entry) => into ?? ExistingVirtualHost(entry.RequireString("vhost"), failure);
        foreach (var entry in sections.VirtualHostLimits)
        {
            var virtualHost = VirtualHostOf(entry).Name;
            ImportReason.Named(profile, perVirtualHost, virtualHost, SecurityDefinitions.VirtualHostLimitsComponent, "limits",
                () => SecurityDefinitions.ImportVirtualHostLimits(broker, virtualHost, entry, undo));
        }

        foreach (var entry in sections.Policies)
        {
            var (virtualHost, name) = (VirtualHostOf(entry).Name, entry.RequireString("name"));
            ImportReason.Named(profile, perVirtualHost, virtualHost, component: null, name, () => ImportPolicy(PolicyJson.Read(virtualHost, name, entry), undo));
        }

        foreach (var entry in sections.Queues)
        {
            Apply(VirtualHostOf(entry), entry, failure, undo, ImportQueue);
        }

        foreach (var entry in sections.Exchanges)
        {
            Apply(VirtualHostOf(entry), entry, failure, undo, ImportExchange);
        }

        var bindings = new BindingImport(broker, user);
        foreach (var entry in sections.Bindings)
        {
            bindings.Import(into?.Name ?? entry.RequireString("vhost"), entry, undo);
        }

        foreach (var entry in sections.Parameters)
        {
            var (component, virtualHost, name) = (entry.RequireString("component"), VirtualHostOf(entry).Name, entry.RequireString("name"));
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
    /// A vhost with its metadata (rabbit_definitions:add_vhost): a new one is created, an existing one takes the
    /// description and tags and keeps its default queue type.
    /// </summary>
    private void ImportVirtualHost(JsonBody entry, ImportUndo undo)
    {
        var name = entry.RequireString("name");
        var existing = broker.FindVirtualHost(name);
        if (ReadMetadata(entry, creating: existing is null) is not { } metadata)
        {
            return;
        }

        if (existing is not null)
        {
            var previous = existing.Metadata;
            broker.AddVirtualHost(name, metadata with { DefaultQueueType = null });
            undo.Add(() => broker.AddVirtualHost(name, previous));
            return;
        }

        broker.AddVirtualHost(name, metadata);
        undo.Add(() => broker.DeleteVirtualHost(name, ignoringProtection: true));
    }

    /// <summary>
    /// The metadata a vhost entry asks for, null when the vhost is not to be created. A default queue type that is not
    /// valid: in 3.10 a new vhost is not created and the import goes on (rabbit_vhost:do_add fails, and add_vhost's
    /// result is not looked at; checked against RabbitMQ 3.10.8), an existing one ignores it; from 4.2.8 the import
    /// stops with the reason alone (rabbit_definitions:invalid_queue_type_message, #16481, with
    /// <see cref="VirtualHostQueueTypeCheck.Validated"/>); between, it stops naming the vhost (ours). From 4.1 with
    /// <c>protected_from_deletion</c> when it is a boolean (rabbit_vhost:update_metadata at v4.1.0 via
    /// rabbit_definitions:add_vhost; vhost:is_protected_from_deletion takes only true as protected).
    /// </summary>
    private VirtualHostMetadata? ReadMetadata(JsonBody entry, bool creating)
    {
        var metadata = JsonBody.Of(entry.Object("metadata") ?? [], "a vhost's metadata");
        VirtualHostMetadata queueType;
        try
        {
            queueType = VirtualHostMetadata.Parse(metadata.String("default_queue_type"));
        }
        catch (ArgumentException ex)
        {
            switch (broker.Settings.Profile.VirtualHostQueueTypeCheck)
            {
                case VirtualHostQueueTypeCheck.CreationFails when creating:
                    return null;
                case VirtualHostQueueTypeCheck.CreationFails:
                    queueType = VirtualHostMetadata.None;
                    break;
                case VirtualHostQueueTypeCheck.Validated:
                    throw ApiException.BadRequest(ex.Message);
                default:
                    throw InvalidMetadata(entry, ex);
            }
        }

        try
        {
            return queueType with
            {
                Description = entry.String("description") ?? metadata.String("description") ?? "",
                Tags = VirtualHostMetadata.ParseTags(FieldTableJson.FromJson(entry.Root["tags"] ?? metadata.Root["tags"])),
                ProtectedFromDeletion = broker.Settings.Profile.VirtualHostDeletionProtection && metadata.Root["protected_from_deletion"] is JsonValue value
                    && value.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False ? value.GetValue<bool>() : null,
            };
        }
        catch (ArgumentException ex)
        {
            throw InvalidMetadata(entry, ex);
        }
    }

    private static ApiException InvalidMetadata(JsonBody entry, ArgumentException error) => ApiException.BadRequest($"vhost '{entry.String("name")}': {error.Message}");

    /// <summary>A permission; a missing user, then a missing vhost, stops the import as rabbit_auth_backend_internal:set_permissions does.</summary>
    private void ImportPermission(JsonBody entry, ImportFailure failure, ImportUndo undo)
    {
        var (userName, virtualHost) = (entry.RequireString("user"), entry.RequireString("vhost"));
        var permission = PermissionDocument.Read(userName, virtualHost, entry);
        if (broker.Users.Find(userName) is null)
        {
            throw failure.NoSuchUser(userName);
        }

        ExistingVirtualHost(virtualHost, failure);
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

    /// <summary>Applies one queue or exchange; a broker refusal stops the import as RabbitMQ words it.</summary>
    private static void Apply(VirtualHost virtualHost, JsonBody entry, ImportFailure failure, ImportUndo undo, Action<VirtualHost, JsonBody, ImportUndo> import)
    {
        try
        {
            import(virtualHost, entry, undo);
        }
        catch (AmqpException ex)
        {
            throw failure.Refused(ex);
        }
    }

    private VirtualHost ExistingVirtualHost(string name, ImportFailure failure) => broker.FindVirtualHost(name) ?? throw failure.NoSuchVirtualHost(name);

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
