using System.Text.Json;

namespace AmqpBroker.Shovel;

/// <summary>JSON values as RabbitMQ's validation messages print them (Erlang terms), and as AMQP argument tables.</summary>
internal static class ErlangJson
{
    public static string Format(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"<<\"{value.GetString()}\">>",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => $"[{string.Join(',', value.EnumerateArray().Select(Format))}]",
        JsonValueKind.Object => $"#{{{string.Join(',', value.EnumerateObject().Select(p => $"<<\"{p.Name}\">> => {Format(p.Value)}"))}}}",
        _ => value.GetRawText(),
    };

    /// <summary>A JSON object as an AMQP field table: strings, integers (long), floats, booleans, nested tables and arrays.</summary>
    public static Dictionary<string, object?> ToTable(JsonElement value) =>
        value.EnumerateObject().ToDictionary(p => p.Name, p => ToField(p.Value), StringComparer.Ordinal);

    private static object? ToField(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when value.TryGetInt64(out var integer) => integer,
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.Object => ToTable(value),
        JsonValueKind.Array => value.EnumerateArray().Select(ToField).ToList(),
        _ => null,
    };
}
