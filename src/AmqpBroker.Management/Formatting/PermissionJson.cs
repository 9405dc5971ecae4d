using AmqpBroker.Core.Security;

namespace AmqpBroker.Management.Formatting;

/// <summary>Permissions and topic permissions as RabbitMQ lists and exports them, sorted by vhost, then user (then exchange).</summary>
internal static class PermissionJson
{
    public static JsonObject Create(Permission permission) => new()
    {
        ["user"] = permission.User,
        ["vhost"] = permission.VirtualHost,
        ["configure"] = permission.Configure,
        ["write"] = permission.Write,
        ["read"] = permission.Read,
    };

    public static JsonObject Create(TopicPermission permission) => new()
    {
        ["user"] = permission.User,
        ["vhost"] = permission.VirtualHost,
        ["exchange"] = permission.Exchange,
        ["write"] = permission.Write,
        ["read"] = permission.Read,
    };

    public static IEnumerable<JsonObject> Sorted(IEnumerable<Permission> permissions) => permissions
        .OrderBy(p => p.VirtualHost, StringComparer.Ordinal)
        .ThenBy(p => p.User, StringComparer.Ordinal)
        .Select(Create);

    public static IEnumerable<JsonObject> Sorted(IEnumerable<TopicPermission> permissions) => permissions
        .OrderBy(p => p.VirtualHost, StringComparer.Ordinal)
        .ThenBy(p => p.User, StringComparer.Ordinal)
        .ThenBy(p => p.Exchange, StringComparer.Ordinal)
        .Select(Create);
}
