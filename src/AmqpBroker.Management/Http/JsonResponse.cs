using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using AmqpBroker.Management.Json;

namespace AmqpBroker.Management.Http;

/// <summary>Writes JSON answers the way RabbitMQ's API does: <c>application/json</c>, never cached.</summary>
internal static class JsonResponse
{
    // The content type is JSON, so HTML-sensitive characters need no escaping; names like "a -> b" stay readable.
    private static readonly JsonSerializerOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        MaxDepth = FieldTableJson.MaxJsonDepth,
    };

    public static Task WriteAsync(HttpResponse response, JsonNode? body)
    {
        response.ContentType = "application/json";
        response.Headers.CacheControl = "no-cache";
        return response.WriteAsync(body?.ToJsonString(Options) ?? "null");
    }
}
