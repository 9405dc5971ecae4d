using System.Text.Json;
using AmqpBroker.Management.Formatting;

namespace AmqpBroker.Management.Resources;

/// <summary>
/// /api/global-parameters and /api/cluster-name, over the broker's global runtime parameters. Policymakers and
/// administrators list, read, set and clear global parameters (rabbit_mgmt_util:is_authorized_global_parameters); one is
/// shown value first (rabbit_mgmt_format:parameter/1). Any management user reads the cluster name, administrators set it
/// (rabbit_mgmt_wm_cluster_name), which sets the <c>cluster_name</c> parameter.
/// </summary>
internal static class GlobalParameterResource
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.Get("/api/global-parameters", Access.Policymaker, request =>
            request.ListAsync(request.Broker.GlobalParameters.All.Select(p => ParameterJson.Global(p.Key, p.Value))));
        routes.Get("/api/global-parameters/{name}", Access.Policymaker, request =>
        {
            var name = request.Route("name");
            var value = request.Broker.GlobalParameters.Find(name) ?? throw ApiException.NotFound();
            return request.JsonAsync(new JsonObject { ["value"] = ParameterJson.Value(value), ["name"] = name });
        });
        routes.Put("/api/global-parameters/{name}", Access.Policymaker, PutParameter);
        routes.Delete("/api/global-parameters/{name}", Access.Policymaker, request =>
            request.NoContentIfFound(request.Broker.GlobalParameters.Clear(request.Route("name"))));
        routes.Get("/api/cluster-name", Access.Management, request => request.JsonAsync(new JsonObject { ["name"] = request.Context.ClusterName }));
        routes.Put("/api/cluster-name", Access.Administrator, PutClusterName);
    }

    private static async Task PutParameter(ApiRequest request)
    {
        var body = await request.ReadBodyAsync().ConfigureAwait(false);
        body.RequireAll("value");
        var created = request.Broker.GlobalParameters.Put(request.Route("name"), JsonSerializer.SerializeToElement(body.Root["value"]));
        request.Created(created);
    }

    /// <summary>
    /// 204 whether or not a name was set before. RabbitMQ 3.10.8 answers a name that is not a string with a bodiless 500
    /// (its as_binary/1 has no clause for it); ours is a 400 that says why.
    /// </summary>
    private static async Task PutClusterName(ApiRequest request)
    {
        var body = await request.ReadBodyAsync().ConfigureAwait(false);
        body.RequireAll("name");
        var name = body.Root["name"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : throw ApiException.BadRequest("name must be a string");
        request.Broker.GlobalParameters.Put(Core.Parameters.GlobalParameters.ClusterNameKey, JsonSerializer.SerializeToElement(name));
        request.NoContent();
    }
}
