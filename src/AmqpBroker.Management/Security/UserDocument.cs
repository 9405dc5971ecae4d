using System.Text.Json;
using System.Text.Json.Nodes;
using AmqpBroker.Core.Security;
using AmqpBroker.Management.Formatting;
using AmqpBroker.Management.Http;

namespace AmqpBroker.Management.Security;

/// <summary>
/// Reads a user from a PUT body or a definitions file: <c>tags</c> (a comma-separated string or a list)
/// is required; <c>password</c> is hashed, or <c>password_hash</c> taken as given (RabbitMQ's salted
/// SHA-256 form, so exported hashes keep working). With neither, the user cannot log in with a password.
/// </summary>
internal static class UserDocument
{
    /// <summary>Salt (4 bytes) and SHA-256 (32 bytes): the decoded length of a valid hash.</summary>
    private const int HashLength = 36;

    public static User Read(string name, JsonBody body)
    {
        var tags = ReadTags(body);
        if (body.String("hashing_algorithm") is { } algorithm && algorithm != UserJson.HashingAlgorithm)
        {
            throw ApiException.BadRequest($"unsupported hashing_algorithm '{algorithm}': only {UserJson.HashingAlgorithm} is supported");
        }

        var hash = body.String("password") is { } password ? PasswordHasher.Hash(password) : CheckHash(body.String("password_hash") ?? "");
        return new User(name, hash, tags);
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

    /// <summary>An empty hash is allowed (no password login); anything else must decode to salt and digest.</summary>
    private static string CheckHash(string hash)
    {
        if (hash.Length == 0)
        {
            return hash;
        }

        Span<byte> decoded = stackalloc byte[HashLength];
        return Convert.TryFromBase64String(hash, decoded, out var written) && written == HashLength
            ? hash
            : throw ApiException.BadRequest($"not_base64: password_hash must be a base64 salted SHA-256 hash, got \"{hash}\"");
    }
}
