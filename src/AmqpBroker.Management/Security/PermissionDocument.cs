using AmqpBroker.Core.Security;

namespace AmqpBroker.Management.Security;

/// <summary>Reads a permission from a PUT body or a definitions file: configure, write and read are all required.</summary>
internal static class PermissionDocument
{
    private static readonly string[] Keys = ["configure", "write", "read"];

    public static Permission Read(string user, string virtualHost, JsonBody body)
    {
        var missing = Keys.Where(key => !body.Has(key)).ToList();
        if (missing.Count > 0)
        {
            throw ApiException.BadRequest($"key_missing: {string.Join(", ", missing.Select(k => $"'{k}'"))} required");
        }

        return new Permission(user, virtualHost, body.RequireString("configure"), body.RequireString("write"), body.RequireString("read"));
    }
}
