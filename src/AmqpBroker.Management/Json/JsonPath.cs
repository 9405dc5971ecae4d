namespace AmqpBroker.Management.Json;

/// <summary>Dotted field paths (<c>message_stats.publish_details.rate</c>) as RabbitMQ's sort and columns parameters use them.</summary>
internal static class JsonPath
{
    public static JsonNode? Get(JsonObject item, string path)
    {
        JsonNode? current = item;
        foreach (var part in path.Split('.'))
        {
            if (current is not JsonObject obj || !obj.TryGetPropertyValue(part, out current))
            {
                return null;
            }
        }

        return current;
    }

    public static void Set(JsonObject target, string path, JsonNode value)
    {
        var parts = path.Split('.');
        var current = target;
        foreach (var part in parts[..^1])
        {
            if (current[part] is not JsonObject next)
            {
                next = [];
                current[part] = next;
            }

            current = next;
        }

        current[parts[^1]] = value;
    }
}
