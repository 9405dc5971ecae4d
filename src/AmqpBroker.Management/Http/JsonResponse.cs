using System.Text.Encodings.Web;
using System.Text.Json;
using AmqpBroker.Management.Json;

namespace AmqpBroker.Management.Http;

/// <summary>
/// Writes JSON answers the way RabbitMQ's API does: <c>application/json</c>, and a route's answer never cached
/// (rabbit_mgmt_util:reply sets <c>cache-control: no-cache</c>; an error, which halt_response writes, sets none).
/// </summary>
internal static class JsonResponse
{
    // The content type is JSON, so HTML-sensitive characters need no escaping; names like "a -> b" stay readable.
    private static readonly JsonSerializerOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        MaxDepth = FieldTableJson.MaxJsonDepth,
    };

    /// <summary>Bytes written before they are handed to the connection, while a long array is streamed.</summary>
    private const int FlushThreshold = 64 * 1024;

    public static Task WriteAsync(HttpResponse response, JsonNode? body)
    {
        StartJson(response);
        return response.WriteAsync(body?.ToJsonString(Options) ?? "null");
    }

    /// <summary>RabbitMQ's error body, <c>{"error": …, "reason": …}</c>, without a cache-control of its own.</summary>
    public static Task WriteErrorAsync(HttpResponse response, JsonNode error, JsonNode reason)
    {
        response.ContentType = "application/json";
        return response.WriteAsync(new JsonObject { ["error"] = error, ["reason"] = reason }.ToJsonString(Options));
    }

    /// <summary>A JSON array written item by item as the sequence produces them, flushed every 64 KiB.</summary>
    public static async Task WriteArrayAsync(HttpResponse response, IEnumerable<JsonNode> items)
    {
        StartJson(response);
        await using var writer = new Utf8JsonWriter(response.BodyWriter, new JsonWriterOptions { Encoder = Options.Encoder, MaxDepth = Options.MaxDepth });
        writer.WriteStartArray();
        foreach (var item in items)
        {
            item.WriteTo(writer, Options);
            if (writer.BytesPending >= FlushThreshold)
            {
                await writer.FlushAsync(response.HttpContext.RequestAborted).ConfigureAwait(false);
                await response.BodyWriter.FlushAsync(response.HttpContext.RequestAborted).ConfigureAwait(false);
            }
        }

        writer.WriteEndArray();
        await writer.FlushAsync(response.HttpContext.RequestAborted).ConfigureAwait(false);
    }

    private static void StartJson(HttpResponse response)
    {
        response.ContentType = "application/json";
        response.Headers.CacheControl = "no-cache";
    }
}
