using System.Text.Json.Nodes;
using AmqpBroker.Core.Security;

namespace AmqpBroker.Management.Formatting;

/// <summary>A user as RabbitMQ lists and exports it: hash in <c>rabbit_password_hashing_sha256</c> form, tags, no limits.</summary>
internal static class UserJson
{
    public const string HashingAlgorithm = "rabbit_password_hashing_sha256";

    public static JsonObject Create(User user) => new()
    {
        ["name"] = user.Name,
        ["password_hash"] = user.PasswordHash,
        ["hashing_algorithm"] = HashingAlgorithm,
        ["tags"] = new JsonArray([.. user.Tags.Select(t => JsonValue.Create(t))]),
        ["limits"] = new JsonObject(),
    };
}
