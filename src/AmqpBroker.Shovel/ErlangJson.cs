using System.Text.Json;

namespace AmqpBroker.Shovel;

/// <summary>JSON values as RabbitMQ's validation messages print them (Erlang terms).</summary>
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
}
