using AmqpBroker.Core.Policies;
using AmqpBroker.Core.VirtualHosts;
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
        MapReads(routes, "/api/policies", Access.Policymaker, v => v.Policies);
        routes.Put("/api/policies/{vhost}/{name}", Access.Policymaker, Put);
        routes.Delete("/api/policies/{vhost}/{name}", Access.Policymaker, request =>
            request.NoContentIfFound(request.Broker.DeletePolicy(request.VirtualHost().Name, request.Route("name"))));
    }

    /// <summary>
    /// GET of <paramref name="path"/> (all vhosts' and one vhost's, for anyone with access to the vhost) and of one
    /// by name (for <paramref name="readOne"/>), over the policies <paramref name="policiesOf"/> a vhost gives.
    /// </summary>
    internal static void MapReads(IEndpointRouteBuilder routes, string path, Access readOne, Func<VirtualHost, IReadOnlyCollection<Policy>> policiesOf)
    {
        routes.GetPerVirtualHost(path, Access.Management, (request, virtualHosts) => request.ListAsync(Sorted(virtualHosts.SelectMany(policiesOf))));
        routes.Get(path + "/{vhost}/{name}", readOne, request =>
        {
            var name = request.Route("name");
            var policy = policiesOf(request.VirtualHost()).FirstOrDefault(p => p.Name == name) ?? throw ApiException.NotFound();
            return request.JsonAsync(PolicyJson.Create(policy));
        });
    }

    /// <summary>Lowest priority first, as rabbit_mgmt_wm_policies and rabbit_mgmt_wm_operator_policies sort by default (reply_list's ["priority"]).</summary>
    private static IEnumerable<System.Text.Json.Nodes.JsonObject> Sorted(IEnumerable<Policy> policies) => policies
        .OrderBy(p => p.Priority)
        .ThenBy(p => p.VirtualHost, StringComparer.Ordinal)
        .ThenBy(p => p.Name, StringComparer.Ordinal)
        .Select(PolicyJson.Create);

    private static async Task Put(ApiRequest request)
    {
        var virtualHost = request.VirtualHost(creating: true);
        var name = request.Route("name");
        var body = await request.ReadBodyAsync().ConfigureAwait(false);
        body.RequireAll("pattern", "definition");
        var created = virtualHost.Policies.All(p => p.Name != name);
        ValidationReason.EscapedWhereRabbitMqEscapes(request, () => request.Broker.PutPolicy(PolicyJson.Read(virtualHost.Name, name, body)));
        request.Created(created);
    }
}
