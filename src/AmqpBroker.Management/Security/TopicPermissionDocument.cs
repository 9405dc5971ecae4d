using AmqpBroker.Core.Security;

namespace AmqpBroker.Management.Security;

/// <summary>Reads a topic permission from a PUT body or a definitions file: exchange, write and read are all required.</summary>
internal static class TopicPermissionDocument
{
    private static readonly string[] Keys = ["exchange", "write", "read"];

    public static TopicPermission Read(string user, string virtualHost, JsonBody body)
    {
        var missing = Keys.Where(key => !body.Has(key)).ToList();
        if (missing.Count > 0)
        {
            throw ApiException.BadRequest($"key_missing: {string.Join(", ", missing.Select(k => $"'{k}'"))} required");
        }

        return new TopicPermission(user, virtualHost, body.RequireString("exchange"), body.RequireString("write"), body.RequireString("read"));
    }
}
