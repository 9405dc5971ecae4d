using AmqpBroker.Core;
using AmqpBroker.Core.Security;

namespace AmqpBroker.Management.Formatting;

/// <summary>A user as RabbitMQ lists and exports it: its hash and the module that made it, tags, limits.</summary>
internal static class UserJson
{
    public static Func<User, JsonObject> For(Broker broker) => user => Create(user, broker.LimitsOfUser(user.Name));

    public static JsonObject Create(User user, IReadOnlyList<Limit> limits) => new()
    {
        ["name"] = user.Name,
        ["password_hash"] = user.PasswordHash,
        ["hashing_algorithm"] = user.HashingAlgorithm,
        ["tags"] = new JsonArray([.. user.Tags.Select(t => JsonValue.Create(t))]),
        ["limits"] = LimitJson.Values(limits),
    };
}
