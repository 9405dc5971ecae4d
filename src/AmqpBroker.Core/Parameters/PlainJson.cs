using System.Text.Json;

namespace AmqpBroker.Core.Parameters;

/// <summary>A parameter's JSON as the plain .NET values a policy definition holds: string, bool, long, double, null, lists and string-keyed dictionaries.</summary>
internal static class PlainJson
{
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
