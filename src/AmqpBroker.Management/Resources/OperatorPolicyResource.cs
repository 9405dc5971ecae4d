using System.Text.Json;
using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Policies;
using AmqpBroker.Management.Formatting;
using AmqpBroker.Management.Json;

namespace AmqpBroker.Management.Resources;

/// <summary>
/// /api/operator-policies: anyone with access to a vhost may list its operator policies; only administrators
/// read one by name, create, change and delete them (rabbit_mgmt_wm_operator_policies: is_authorized_vhost;
/// rabbit_mgmt_wm_operator_policy: is_authorized_admin). They are runtime parameters of component
/// <c>operator_policy</c>, as in RabbitMQ, so /api/parameters and definitions carry them too. Priority defaults
/// to 0 and apply-to to all (rabbit_policy:set/8); a refused one is a 400 whose reason is never HTML-escaped.
/// </summary>
internal static class OperatorPolicyResource
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        PolicyResource.MapReads(routes, "/api/operator-policies", Access.Administrator, v => v.OperatorPolicies);
        routes.Put("/api/operator-policies/{vhost}/{name}", Access.Administrator, Put);
        routes.Delete("/api/operator-policies/{vhost}/{name}", Access.Administrator, request =>
            request.NoContentIfFound(request.Broker.Parameters.Clear(OperatorPolicies.Component, request.VirtualHost().Name, request.Route("name"))));
    }

    private static async Task Put(ApiRequest request)
    {
        if (!request.DeclaresContentType("application/json"))
        {
            return;
        }

        var virtualHost = request.VirtualHost(creating: true);
        var name = request.Route("name");
        var body = await request.ReadBodyAsync().ConfigureAwait(false);
        body.RequireAll("pattern", "definition");
        var policy = PolicyJson.Read(virtualHost.Name, name, body);
        var created = virtualHost.OperatorPolicies.All(p => p.Name != name);
        request.Broker.Parameters.Put(new RuntimeParameter(OperatorPolicies.Component, virtualHost.Name, name, ParameterValue(policy)));
        request.Created(created);
    }

    /// <summary>The parameter's value as RabbitMQ stores it: pattern, definition, priority, apply-to.</summary>
    private static JsonElement ParameterValue(Policy policy)
    {
        var json = PolicyJson.Create(policy);
        json.Remove("vhost");
        json.Remove("name");
        return JsonSerializer.SerializeToElement(json);
    }
}
