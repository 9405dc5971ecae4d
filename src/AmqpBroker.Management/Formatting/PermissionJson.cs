using AmqpBroker.Core.Security;

namespace AmqpBroker.Management.Formatting;

/// <summary>A permission as RabbitMQ lists and exports it.</summary>
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
}
