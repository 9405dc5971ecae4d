using System.Globalization;
using System.Text;
using System.Text.Json;
using AmqpBroker.Core.Arguments;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Management.Json;

/// <summary>
/// AMQP field tables (arguments, headers, client properties) to and from JSON, as RabbitMQ's management
/// API converts them: JSON integers become signed 64-bit values, other numbers doubles, objects nested
/// tables, arrays field arrays; in the other direction byte strings show as text and timestamps as seconds.
/// </summary>
internal static class FieldTableJson
{
    /// <summary>How deep JSON written by the API may nest: field tables as deep as the wire allows, inside a few levels of the answer's own.</summary>
    public const int MaxJsonDepth = FieldTable.MaxDepth + 32;

    /// <summary>Serializer options for JSON holding field tables (the default depth of 64 is less than a table may nest).</summary>
    public static readonly JsonSerializerOptions SerializerOptions = new() { MaxDepth = MaxJsonDepth };

    public static JsonObject ToJson(IReadOnlyDictionary<string, object?> table) => ToJson(table, 1);

    public static JsonNode? ToJson(object? value) => ToJson(value, 0);

    public static Dictionary<string, object?> FromJson(JsonObject json) => FromJson(json, 1);

    public static object? FromJson(JsonNode? node) => FromJson(node, 0);

    private static JsonObject ToJson(IReadOnlyDictionary<string, object?> table, int depth)
    {
        FieldTable.CheckDepth(depth);
        var json = new JsonObject();
        foreach (var (key, value) in table.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            json[key] = ToJson(value, depth);
        }

        return json;
    }

    private static JsonNode? ToJson(object? value, int depth) => value switch
    {
        null => null,
        string text => JsonValue.Create(text),
        bool flag => JsonValue.Create(flag),
        _ when IntegerValues.TryGet(value, out var integer) => JsonValue.Create(integer),
        float number => Finite(number),
        double number => Finite(number),
        decimal number => JsonValue.Create(number),
        byte[] bytes => JsonValue.Create(Encoding.UTF8.GetString(bytes)),
        ReadOnlyMemory<byte> bytes => JsonValue.Create(Convert.ToBase64String(bytes.Span)),
        AmqpTimestamp timestamp => JsonValue.Create(timestamp.UnixSeconds),
        IReadOnlyDictionary<string, object?> table => ToJson(table, depth + 1),
        IEnumerable<object?> items => ToJson(items, depth + 1),
        _ => JsonValue.Create(value.ToString()),
    };

    private static JsonArray ToJson(IEnumerable<object?> items, int depth)
    {
        FieldTable.CheckDepth(depth);
        var json = new JsonArray();
        foreach (var item in items)
        {
            json.Add(ToJson(item, depth));
        }

        return json;
    }

    private static Dictionary<string, object?> FromJson(JsonObject json, int depth)
    {
        FieldTable.CheckDepth(depth);
        var table = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in json)
        {
            table[key] = FromJson(value, depth);
        }

        return table;
    }

    private static List<object?> FromJson(JsonArray items, int depth)
    {
        FieldTable.CheckDepth(depth);
        var list = new List<object?>(items.Count);
        foreach (var item in items)
        {
            list.Add(FromJson(item, depth));
        }

        return list;
    }

    private static object? FromJson(JsonNode? node, int depth) => node switch
    {
        null => null,
        JsonObject table => FromJson(table, depth + 1),
        JsonArray items => FromJson(items, depth + 1),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when value.TryGetValue<long>(out var integer) => integer,
            JsonValueKind.Number when value.TryGetValue<double>(out var real) => real,
            JsonValueKind.Number => throw Http.ApiException.BadRequest($"number out of range: {value.ToJsonString()}"),
            _ => null,
        },
        _ => null,
    };

    /// <summary>JSON has no NaN or infinity; they are shown as text rather than failing the whole answer.</summary>
    private static JsonValue Finite(double number) =>
        double.IsFinite(number) ? JsonValue.Create(number) : JsonValue.Create(number.ToString(CultureInfo.InvariantCulture));
}
