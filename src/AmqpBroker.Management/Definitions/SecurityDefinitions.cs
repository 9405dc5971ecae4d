using AmqpBroker.Core;
using AmqpBroker.Core.Security;
using AmqpBroker.Management.Formatting;
using AmqpBroker.Management.Json;

namespace AmqpBroker.Management.Definitions;

/// <summary>
/// The parts of a definitions file that restrict users, in RabbitMQ's format: <c>topic_permissions</c>, each
/// user's <c>limits</c>, and vhost limits as the runtime parameters RabbitMQ keeps them as (component
/// <c>vhost-limits</c>, name <c>limits</c>). Export writes them; import applies them with an undo step each.
/// </summary>
internal static class SecurityDefinitions
{
    public const string VirtualHostLimitsComponent = "vhost-limits";

    public static JsonArray TopicPermissions(Broker broker) => new([.. PermissionJson.Sorted(broker.TopicPermissions)]);

    /// <summary>The vhost-limits parameters of every vhost, or of one.</summary>
    public static IEnumerable<JsonObject> Parameters(Broker broker, string? onlyVirtualHost = null) => broker.VirtualHostLimits
        .Where(l => onlyVirtualHost is null || l.Key == onlyVirtualHost)
        .OrderBy(l => l.Key, StringComparer.Ordinal)
        .Select(l => Parameter(l.Key, l.Value));

    /// <summary>Whether a parameter entry is one this broker keeps; others (plugins' parameters) are refused.</summary>
    public static bool IsVirtualHostLimits(JsonBody entry) => entry.String("component") == VirtualHostLimitsComponent;

    public static void ImportTopicPermission(Broker broker, JsonBody entry, ImportUndo undo)
    {
        var permission = PermissionDocument.ReadTopic(entry.RequireString("user"), entry.RequireString("vhost"), entry);
        var previous = broker.TopicPermissions.FirstOrDefault(p => p.User == permission.User && p.VirtualHost == permission.VirtualHost && p.Exchange == permission.Exchange);
        broker.SetTopicPermission(permission);
        undo.Add(previous is null
            ? () => broker.ClearTopicPermissions(permission.User, permission.VirtualHost, permission.Exchange)
            : () => broker.SetTopicPermission(previous));
    }

    /// <summary>A user entry's <c>limits</c> object, applied after the user.</summary>
    public static void ImportUserLimits(Broker broker, string user, JsonBody entry, ImportUndo undo)
    {
        if (entry.Object("limits") is not { } limits)
        {
            return;
        }

        var previous = broker.LimitsOfUser(user);
        foreach (var (name, value) in limits)
        {
            broker.SetUserLimit(user, name, FieldTableJson.FromJson(value));
            undo.Add(Restore(previous, name, v => broker.SetUserLimit(user, name, v), () => broker.ClearUserLimit(user, name)));
        }
    }

    /// <summary>A vhost-limits parameter: its <c>value</c> object sets the vhost's limits one by one.</summary>
    public static void ImportVirtualHostLimits(Broker broker, string virtualHost, JsonBody entry, ImportUndo undo)
    {
        var limits = entry.Object("value") ?? throw JsonBody.Missing("value");
        var previous = broker.LimitsOfVirtualHost(virtualHost);
        foreach (var (name, value) in limits)
        {
            broker.SetVirtualHostLimit(virtualHost, name, FieldTableJson.FromJson(value));
            undo.Add(Restore(previous, name, v => broker.SetVirtualHostLimit(virtualHost, name, v), () => broker.ClearVirtualHostLimit(virtualHost, name)));
        }
    }

    private static Action Restore(IReadOnlyList<Limit> previous, string name, Action<object?> set, Action clear) =>
        previous.FirstOrDefault(l => l.Name == name) is { } old ? () => set(old.Value) : clear;

    private static JsonObject Parameter(string virtualHost, IReadOnlyList<Limit> limits) => new()
    {
        ["value"] = LimitJson.Values(limits),
        ["vhost"] = virtualHost,
        ["component"] = VirtualHostLimitsComponent,
        ["name"] = "limits",
    };
}
