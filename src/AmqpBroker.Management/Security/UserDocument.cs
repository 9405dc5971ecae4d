using System.Text.Json;
using AmqpBroker.Core.Security;
using AmqpBroker.Management.Formatting;

namespace AmqpBroker.Management.Security;

/// <summary>
/// Reads a user from a PUT body or a definitions file: <c>tags</c> (a comma-separated string or a list)
/// is required; <c>password</c> is hashed with the broker's <c>password_hashing_module</c>, or
/// <c>password_hash</c> taken as given with the <c>hashing_algorithm</c> that made it (RabbitMQ's salted
/// SHA-256, SHA-512 or legacy MD5 forms, so exported hashes keep working). With neither, the user cannot log in
/// with a password.
/// </summary>
internal static class UserDocument
{
    public static User Read(string name, JsonBody body, string hashingModule)
    {
        var tags = ReadTags(body);
        if (body.String("password") is { } password)
        {
            return new User(name, PasswordHasher.Hash(password, hashingModule), tags) { HashingAlgorithm = hashingModule };
        }

        var algorithm = body.String("hashing_algorithm") ?? PasswordHasher.Sha256;
        if (!PasswordHasher.Modules.Contains(algorithm))
        {
            throw ApiException.BadRequest($"unsupported hashing_algorithm '{algorithm}': one of {string.Join(", ", PasswordHasher.Modules)}");
        }

        return new User(name, CheckHash(body.String("password_hash") ?? "", algorithm), tags) { HashingAlgorithm = algorithm };
    }

    private static List<string> ReadTags(JsonBody body)
    {
        if (!body.Has("tags"))
        {
            throw ApiException.BadRequest("tags_not_present");
        }

        if (body.Root["tags"] is JsonArray list)
        {
            return [.. list.Select(t => t is JsonValue value && value.GetValueKind() == JsonValueKind.String
                ? value.GetValue<string>().Trim()
                : throw ApiException.BadRequest($"tags must be strings, got {t?.ToJsonString() ?? "null"}"))
                .Where(t => t.Length > 0)];
        }

        return [.. body.RequireString("tags").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    /// <summary>An empty hash is allowed (no password login); anything else must decode to salt and digest of the algorithm.</summary>
    private static string CheckHash(string hash, string algorithm) =>
        hash.Length == 0 || PasswordHasher.IsWellFormed(hash, algorithm)
            ? hash
            : throw ApiException.BadRequest($"not_base64: password_hash must be a base64 salted hash of {algorithm}, got \"{hash}\"");
}
