using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Security;

namespace AmqpBroker.Management.Resources;

/// <summary>
/// Node-level operations of the management API: the version string (4.0.5+), hashing a password (3.10.15+, 3.11.8+),
/// rebalancing queue leaders and resetting statistics, with the rabbit_mgmt_wm_* module of each named beside it.
/// </summary>
internal static class NodeOperationResource
{
    public static void Map(IEndpointRouteBuilder routes, ManagementNodeApi api)
    {
        if (api.HasFlag(ManagementNodeApi.Version))
        {
            // rabbit_mgmt_wm_version: the version as a JSON string, to anyone, never cached. RabbitMQ answers product_version,
            // which is its own unless the operator renames the product; tools read it to know which calls exist, so it is the profile's.
            routes.GetWithoutCredentials("/api/version", (http, context) =>
            {
                AnonymousRoutes.NoCache(http.Response);
                return JsonResponse.WriteAsync(http.Response, JsonValue.Create(context.RabbitMqVersion));
            });
        }

        if (api.HasFlag(ManagementNodeApi.HashPassword))
        {
            routes.Get("/api/auth/hash_password/{password}", Access.Administrator, HashPassword);
        }

        // rabbit_mgmt_wm_rebalance_queues: 204 at once, the rebalance running on its own (rabbit_amqqueue:rebalance).
        // A single node leads every queue already, so there is nothing to move.
        routes.Post("/api/rebalance/queues", Access.Administrator, request =>
        {
            request.NoContent();
            return Task.CompletedTask;
        });
        routes.Delete("/api/reset", Access.Administrator, Reset);
        routes.Delete("/api/reset/{node}", Access.Administrator, request =>
            request.Route("node") == request.Context.NodeName ? Reset(request) : throw ApiException.NotFound());
    }

    /// <summary>
    /// rabbit_mgmt_wm_hash_password: <c>{"ok": hash}</c>, the password in the path hashed as a new user's would be
    /// (rabbit_password:hash, with the broker's password_hashing_module), base64-encoded.
    /// </summary>
    private static Task HashPassword(ApiRequest request) =>
        request.JsonAsync(new JsonObject { ["ok"] = PasswordHasher.Hash(request.Route("password"), request.Broker.Settings.PasswordHashingModule) });

    /// <summary>rabbit_mgmt_wm_reset: 204 once the statistics start afresh (<see cref="Statistics.RateSampler.Reset"/>).</summary>
    private static Task Reset(ApiRequest request)
    {
        request.Context.Rates.Reset();
        request.NoContent();
        return Task.CompletedTask;
    }
}
