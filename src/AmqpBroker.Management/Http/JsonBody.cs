using System.Globalization;
using System.Text.Json;
using AmqpBroker.Core.Errors;
using AmqpBroker.Management.Json;

namespace AmqpBroker.Management.Http;

/// <summary>
/// A request's JSON object with typed, validating accessors. Values are accepted in the forms RabbitMQ
/// accepts (rabbitmqadmin sends booleans as "true" and numbers as "5"); anything else is a 400 naming
/// the key and what was wrong, so bad input never turns into a 500.
/// </summary>
internal sealed class JsonBody(JsonObject root)
{
    private static readonly JsonDocumentOptions ParseOptions = new() { AllowDuplicateProperties = false };

    public JsonObject Root => root;

    /// <summary>Reads the body (at most <see cref="RequestBodyLimit.MaxBytes"/>); an empty body is an empty object, as RabbitMQ treats it.</summary>
    public static async Task<JsonBody> ReadAsync(HttpRequest request)
    {
        RequestBodyLimit.Apply(request);
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return Parse(buffer.ToArray());
    }

    public static JsonBody Parse(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Trim(" \t\r\n"u8).IsEmpty)
        {
            return new JsonBody([]);
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(utf8, documentOptions: ParseOptions);
        }
        catch (JsonException)
        {
            throw ApiException.BadRequest("not_json");
        }

        return node is JsonObject root ? new JsonBody(root) : throw ApiException.BadRequest("not_json: the body must be a JSON object");
    }

    public bool Has(string key) => root[key] is not null;

    public string? String(string key) => root[key] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        var other => throw Invalid(key, "not_string", "a string", other),
    };

    public string RequireString(string key) => String(key) ?? throw Missing(key);

    public bool? Boolean(string key) => root[key] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => value.GetValue<bool>(),
        JsonValue value when value.GetValueKind() == JsonValueKind.String && bool.TryParse(value.GetValue<string>(), out var parsed) => parsed,
        var other => throw Invalid(key, "not_boolean", "true or false", other),
    };

    public long? Integer(string key) => root[key] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var number) => number,
        JsonValue value when value.GetValueKind() == JsonValueKind.String
            && long.TryParse(value.GetValue<string>(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => parsed,
        var other => throw Invalid(key, "not_integer", "an integer", other),
    };

    public JsonObject? Object(string key) => root[key] switch
    {
        null => null,
        JsonObject value => value,
        var other => throw Invalid(key, "not_object", "a JSON object", other),
    };

    public JsonArray? Array(string key) => root[key] switch
    {
        null => null,
        JsonArray value => value,
        var other => throw Invalid(key, "not_array", "a JSON array", other),
    };

    /// <summary>An AMQP field table (queue/exchange/binding arguments); absent is empty.</summary>
    public IReadOnlyDictionary<string, object?> Table(string key) =>
        Object(key) is { } table ? FieldTableJson.FromJson(table) : Protocol.Encoding.FieldTable.Empty;

    /// <summary>A JSON object read as a body of its own (nested definitions); <paramref name="what"/> names it in the error.</summary>
    public static JsonBody Of(JsonNode? node, string what) =>
        node as JsonObject is { } value ? new JsonBody(value) : throw ApiException.BadRequest($"{what} must be a JSON object, got {Describe(node)}");

    /// <summary>
    /// Throws RabbitMQ's answer for a body that lacks any of the keys a resource requires: every missing one, in
    /// <paramref name="keys"/>' order, as <c>~p</c> prints <c>[{key_missing,K},…]</c> (rabbit_mgmt_util:with_decode,
    /// the same from v3.10.8 to v4.3.5; checked against RabbitMQ 3.10.8). A key given as JSON null is present.
    /// </summary>
    public void RequireAll(params ReadOnlySpan<string> keys)
    {
        List<string>? missing = null;
        foreach (var key in keys)
        {
            if (!Has(key))
            {
                (missing ??= []).Add($"{{key_missing,{key}}}");
            }
        }

        if (missing is not null)
        {
            throw ApiException.BadRequest(ErlangList.Print(missing));
        }
    }

    public static ApiException Missing(string key) => ApiException.BadRequest($"key_missing: '{key}' is required");

    private static ApiException Invalid(string key, string error, string expected, JsonNode value) =>
        ApiException.BadRequest($"{error}: '{key}' must be {expected}, got {Describe(value)}");

    private static string Describe(JsonNode? value) => value?.ToJsonString() ?? "null";
}
