using System.Text.Json;

namespace AmqpBroker.Core.Parameters;

/// <summary>
/// A parameter's JSON object as the plain .NET values a policy definition or an AMQP argument table holds: string,
/// bool, long, double, null, lists and string-keyed dictionaries.
/// </summary>
public static class PlainJson
{
    /// <summary>
    /// JSON text as an element detached from any document, read without the reflection-based serializer (whose first use
    /// would slow a broker's start).
    /// </summary>
    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>The object's members by name (ordinal), their values converted.</summary>
    public static Dictionary<string, object?> Table(JsonElement json)
    {
        var table = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in json.EnumerateObject())
        {
            table[property.Name] = Value(property.Value);
        }

        return table;
    }

    private static object? Value(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.String => json.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when json.TryGetInt64(out var integer) => integer,
        JsonValueKind.Number => json.GetDouble(),
        JsonValueKind.Object => Table(json),
        JsonValueKind.Array => json.EnumerateArray().Select(Value).ToList(),
        _ => null,
    };
}
