using AmqpBroker.Core.Security;

namespace AmqpBroker.Management.Security;

/// <summary>
/// Reads a permission or a topic permission from a PUT body or a definitions file: every pattern is required
/// (configure, write and read; exchange, write and read), and all missing keys are reported at once.
/// </summary>
internal static class PermissionDocument
{
    public static Permission Read(string user, string virtualHost, JsonBody body)
    {
        body.RequireAll("configure", "write", "read");
        return new Permission(user, virtualHost, body.RequireString("configure"), body.RequireString("write"), body.RequireString("read"));
    }

    public static TopicPermission ReadTopic(string user, string virtualHost, JsonBody body)
    {
        body.RequireAll("exchange", "write", "read");
        return new TopicPermission(user, virtualHost, body.RequireString("exchange"), body.RequireString("write"), body.RequireString("read"));
    }
}
