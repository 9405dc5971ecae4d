using AmqpBroker.Core.Security;

namespace AmqpBroker.Management.Formatting;

/// <summary>A topic permission as RabbitMQ lists and exports it.</summary>
internal static class TopicPermissionJson
{
    public static JsonObject Create(TopicPermission permission) => new()
    {
        ["user"] = permission.User,
        ["vhost"] = permission.VirtualHost,
        ["exchange"] = permission.Exchange,
        ["write"] = permission.Write,
        ["read"] = permission.Read,
    };

    public static IEnumerable<JsonObject> Sorted(IEnumerable<TopicPermission> permissions) => permissions
        .OrderBy(p => p.VirtualHost, StringComparer.Ordinal)
        .ThenBy(p => p.User, StringComparer.Ordinal)
        .ThenBy(p => p.Exchange, StringComparer.Ordinal)
        .Select(Create);
}
