namespace AmqpBroker.Management.Resources;

/// <summary>
/// The two answers of RabbitMQ's health checks: 200 <c>{"status":"ok", …}</c>, and 503
/// (<c>?HEALTH_CHECK_FAILURE_STATUS</c>) <c>{"status":"failed","reason":…, …}</c>.
/// </summary>
internal static class HealthAnswer
{
    public static Task OkAsync(HttpResponse response, JsonObject? extra = null) =>
        JsonResponse.WriteAsync(response, With(new JsonObject { ["status"] = "ok" }, extra));

    public static Task FailedAsync(HttpResponse response, string reason, JsonObject? extra = null)
    {
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return JsonResponse.WriteAsync(response, With(new JsonObject { ["status"] = "failed", ["reason"] = reason }, extra));
    }

    private static JsonObject With(JsonObject body, JsonObject? extra)
    {
        foreach (var (key, value) in extra ?? [])
        {
            body[key] = value?.DeepClone();
        }

        return body;
    }
}
