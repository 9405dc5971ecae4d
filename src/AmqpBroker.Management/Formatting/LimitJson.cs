using AmqpBroker.Core.Security;

namespace AmqpBroker.Management.Formatting;

/// <summary>Limits as RabbitMQ shows them: <c>{"vhost": "v", "value": {"max-queues": 10}}</c> (or <c>"user"</c>).</summary>
internal static class LimitJson
{
    public static JsonObject Values(IReadOnlyList<Limit> limits)
    {
        var values = new JsonObject();
        foreach (var limit in limits)
        {
            values[limit.Name] = limit.Value;
        }

        return values;
    }

    public static JsonObject Create(string ownerKey, string owner, IReadOnlyList<Limit> limits) => new()
    {
        [ownerKey] = owner,
        ["value"] = Values(limits),
    };
}
