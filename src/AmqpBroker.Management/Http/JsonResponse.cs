using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Management.Http;

/// <summary>Writes JSON answers the way RabbitMQ's API does: <c>application/json</c>, never cached.</summary>
internal static class JsonResponse
{
    // The content type is JSON, so HTML-sensitive characters need no escaping; names like "a -> b" stay readable.
    // Field tables may nest as deep as the wire allows, inside the answer's own few levels (the default is 64).
    private static readonly JsonSerializerOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        MaxDepth = FieldTable.MaxDepth + 32,
    };

    public static Task WriteAsync(HttpResponse response, JsonNode? body)
    {
        response.ContentType = "application/json";
        response.Headers.CacheControl = "no-cache";
        return response.WriteAsync(body?.ToJsonString(Options) ?? "null");
    }
}
