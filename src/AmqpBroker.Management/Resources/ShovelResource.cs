using AmqpBroker.Core.Shovels;
using AmqpBroker.Management.Formatting;

namespace AmqpBroker.Management.Resources;

/// <summary>
/// /api/shovels, as RabbitMQ's shovel management plugin serves it to monitoring users and administrators:
/// the status of every dynamic shovel in the vhosts the user may access, deleting one (its parameter), and
/// restarting one. A broker without the shovel component lists none.
/// </summary>
internal static class ShovelResource
{
    /// <summary>The runtime parameter component whose parameters are shovels.</summary>
    private const string Component = "shovel";

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.GetPerVirtualHost("/api/shovels", Access.Monitoring, (request, virtualHosts) =>
        {
            var names = ApiRequest.Names(virtualHosts);
            var statuses = request.Context.Shovels?.Statuses ?? [];
            return request.ListAsync(statuses.Where(s => names.Contains(s.VirtualHost)).Select(s => ShovelJson.Create(s, request.Context.NodeName, TimeZoneInfo.Local)));
        });
        routes.Get("/api/shovels/vhost/{vhost}/{name}", Access.Monitoring, request =>
        {
            var status = Find(request);
            return request.JsonAsync(ShovelJson.Create(status, request.Context.NodeName, TimeZoneInfo.Local));
        });
        routes.Delete("/api/shovels/vhost/{vhost}/{name}", Access.Monitoring, request =>
        {
            var status = Find(request);
            request.Broker.Parameters.Clear(Component, status.VirtualHost, status.Name);
            request.NoContent();
            return Task.CompletedTask;
        });
        routes.Delete("/api/shovels/vhost/{vhost}/{name}/restart", Access.Monitoring, request =>
        {
            var status = Find(request);
            return request.NoContentIfFound(request.Context.Shovels?.Restart(status.VirtualHost, status.Name) == true);
        });
    }

    private static ShovelStatus Find(ApiRequest request)
    {
        var virtualHost = request.VirtualHost().Name;
        var name = request.Route("name");
        return request.Context.Shovels?.Statuses.FirstOrDefault(s => s.VirtualHost == virtualHost && s.Name == name)
            ?? throw ApiException.NotFound();
    }
}
