using System.Globalization;
using System.Text.Json;

namespace AmqpBroker.Management.Json;

/// <summary>
/// Orders JSON values the way RabbitMQ's sort does, which compares Erlang terms: numbers first, then
/// atoms (missing, null, booleans), then objects and lists, then strings last; like values by value.
/// </summary>
internal sealed class JsonValueOrder : IComparer<JsonNode?>
{
    public static readonly JsonValueOrder Instance = new();

    public int Compare(JsonNode? x, JsonNode? y)
    {
        var (rankX, rankY) = (Rank(x), Rank(y));
        if (rankX != rankY)
        {
            return rankX.CompareTo(rankY);
        }

        return (x, y) switch
        {
            (JsonValue a, JsonValue b) when rankX == 0 => Number(a).CompareTo(Number(b)),
            (JsonValue a, JsonValue b) when rankX == 4 => string.CompareOrdinal(a.GetValue<string>(), b.GetValue<string>()),
            (JsonValue a, JsonValue b) => string.CompareOrdinal(a.ToJsonString(), b.ToJsonString()),
            _ => string.CompareOrdinal(x?.ToJsonString(FieldTableJson.SerializerOptions), y?.ToJsonString(FieldTableJson.SerializerOptions)),
        };
    }

    // A value built in code holds its CLR type: read as long or double when it is one, else from its JSON text.
    private static double Number(JsonValue value) =>
        value.TryGetValue<long>(out var whole) ? whole
        : value.TryGetValue<double>(out var real) ? real
        : double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static int Rank(JsonNode? node) => node switch
    {
        null => 1,
        JsonObject => 2,
        JsonArray => 3,
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.Number => 0,
            JsonValueKind.String => 4,
            _ => 1,
        },
        _ => 1,
    };
}
