namespace AmqpBroker.Management.Resources;

/// <summary>
/// /api/auth/attempts/{node}: login attempts per protocol since start, for monitoring users, in RabbitMQ's shape.
/// Attempts per source address and user (<c>/source</c>) are listed when tracked (<c>track_auth_attempt_source</c>, off by default as in RabbitMQ).
/// </summary>
internal static class AuthAttemptResource
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.Get("/api/auth/attempts/{node}", Access.Monitoring, request =>
        {
            RequireNode(request);
            return request.ListAsync(request.Broker.AuthenticationAttempts.Snapshot().Reverse().Select(a => new JsonObject
            {
                ["protocol"] = a.Protocol,
                ["auth_attempts"] = a.Succeeded + a.Failed,
                ["auth_attempts_failed"] = a.Failed,
                ["auth_attempts_succeeded"] = a.Succeeded,
            }));
        });
        routes.Get("/api/auth/attempts/{node}/source", Access.Monitoring, request =>
        {
            RequireNode(request);
            return request.ListAsync(request.Broker.AuthenticationAttempts.Sources().Select(a => new JsonObject
            {
                ["remote_address"] = a.RemoteAddress,
                ["username"] = a.User,
                ["protocol"] = a.Protocol,
                ["auth_attempts"] = a.Succeeded + a.Failed,
                ["auth_attempts_failed"] = a.Failed,
                ["auth_attempts_succeeded"] = a.Succeeded,
            }));
        });
    }

    private static void RequireNode(ApiRequest request)
    {
        if (request.Route("node") != request.Context.NodeName)
        {
            throw ApiException.NotFound();
        }
    }
}
