using AmqpBroker.Core.Parameters;
using AmqpBroker.Management.Formatting;

namespace AmqpBroker.Management.Resources;

/// <summary>
/// /api/parameters: runtime parameters of components (<c>shovel</c>), as RabbitMQ's management plugin
/// serves them to policymakers and administrators, limited to the vhosts the user may access. A value its
/// component refuses is a 400 with the component's reason. One component's list without a vhost in the path is scoped by
/// the <c>x-vhost</c> header (rabbit_mgmt_wm_parameters:basic/1 reads rabbit_mgmt_util:vhost/1; the list of every
/// component does not); see <see cref="ApiRequest.HeaderVirtualHost"/>.
/// </summary>
internal static class ParameterResource
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.Get("/api/parameters", Access.Policymaker, request => request.ListAsync(Visible(request, _ => true)));
        routes.Get("/api/parameters/{component}", Access.Policymaker, request =>
        {
            var component = request.Route("component");
            var named = request.HeaderVirtualHost(ApiException.NotFound())?.Name;
            return request.ListAsync(Visible(request, p => p.Component == component && (named is null || p.VirtualHost == named)));
        });
        routes.Get("/api/parameters/{component}/{vhost}", Access.Policymaker, request =>
        {
            var component = request.Route("component");
            var virtualHost = request.VirtualHost().Name;
            return request.ListAsync(Visible(request, p => p.Component == component && p.VirtualHost == virtualHost));
        });
        routes.Get("/api/parameters/{component}/{vhost}/{name}", Access.Policymaker, request =>
            request.JsonAsync(ParameterJson.Create(Find(request))));
        routes.Put("/api/parameters/{component}/{vhost}/{name}", Access.Policymaker, Put);
        routes.Delete("/api/parameters/{component}/{vhost}/{name}", Access.Policymaker, request =>
        {
            var virtualHost = request.VirtualHost().Name;
            return request.NoContentIfFound(request.Broker.Parameters.Clear(request.Route("component"), virtualHost, request.Route("name")));
        });
    }

    private static IEnumerable<JsonObject> Visible(ApiRequest request, Func<RuntimeParameter, bool> filter)
    {
        var visible = ApiRequest.Names(request.VisibleVirtualHosts());
        return request.Broker.Parameters.All.Where(p => visible.Contains(p.VirtualHost) && filter(p)).Select(ParameterJson.Create);
    }

    private static RuntimeParameter Find(ApiRequest request) =>
        request.Broker.Parameters.Find(request.Route("component"), request.VirtualHost().Name, request.Route("name")) ?? throw ApiException.NotFound();

    private static async Task Put(ApiRequest request)
    {
        var virtualHost = request.VirtualHost(creating: true);
        var (component, name) = (request.Route("component"), request.Route("name"));
        var body = await request.ReadBodyAsync().ConfigureAwait(false);
        body.RequireAll("value");
        var parameter = ParameterJson.Read(component, virtualHost.Name, name, body);
        var created = request.Broker.Parameters.Find(component, virtualHost.Name, name) is null;
        ValidationReason.EscapedWhereRabbitMqEscapes(request, () => request.Broker.Parameters.Put(parameter));
        request.Created(created);
    }
}
