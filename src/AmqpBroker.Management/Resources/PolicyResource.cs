using AmqpBroker.Core.Policies;
using AmqpBroker.Management.Formatting;

namespace AmqpBroker.Management.Resources;

/// <summary>
/// /api/policies: anyone with access to a vhost may list its policies; policymakers and administrators read one
/// by name, create, change and delete them (rabbit_mgmt_wm_policy:is_authorized, which is_authorized_policies
/// decides). The broker applies a change at once to matching queues and exchanges.
/// </summary>
internal static class PolicyResource
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.GetPerVirtualHost("/api/policies", Access.Management, (request, virtualHosts) =>
            request.ListAsync(Sorted(virtualHosts.SelectMany(v => v.Policies))));
        routes.Get("/api/policies/{vhost}/{name}", Access.Policymaker, request =>
        {
            var name = request.Route("name");
            var policy = request.VirtualHost().Policies.FirstOrDefault(p => p.Name == name) ?? throw ApiException.NotFound();
            return request.JsonAsync(PolicyJson.Create(policy));
        });
        routes.Put("/api/policies/{vhost}/{name}", Access.Policymaker, Put);
        routes.Delete("/api/policies/{vhost}/{name}", Access.Policymaker, request =>
            request.NoContentIfFound(request.Broker.DeletePolicy(request.VirtualHost().Name, request.Route("name"))));
    }

    internal static IEnumerable<System.Text.Json.Nodes.JsonObject> Sorted(IEnumerable<Policy> policies) => policies
        .OrderBy(p => p.VirtualHost, StringComparer.Ordinal)
        .ThenBy(p => p.Name, StringComparer.Ordinal)
        .Select(PolicyJson.Create);

    private static async Task Put(ApiRequest request)
    {
        var virtualHost = request.VirtualHost(creating: true);
        var name = request.Route("name");
        var body = await request.ReadBodyAsync().ConfigureAwait(false);
        var created = virtualHost.Policies.All(p => p.Name != name);
        ValidationReason.EscapedWhereRabbitMqEscapes(request, () => request.Broker.PutPolicy(PolicyJson.Read(virtualHost.Name, name, body)));
        request.Created(created);
    }
}
