using AmqpBroker.Core.Security;
using AmqpBroker.Management.Formatting;
using AmqpBroker.Management.Http;
using AmqpBroker.Management.Security;
using Microsoft.AspNetCore.Routing;

namespace AmqpBroker.Management.Resources;

/// <summary>/api/vhosts: list, get, create, delete virtual hosts.</summary>
internal static class VirtualHostResource
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.Get("/api/vhosts", Access.Management, request => request.ListAsync(request.Broker.VirtualHosts
            .Where(v => request.User.CanListVirtualHost(v.Name))
            .OrderBy(v => v.Name, StringComparer.Ordinal)
            .Select(v => VirtualHostJson.Create(v, request.Context))));
        // RabbitMQ 3.10 shows a single vhost to administrators only.
        routes.Get("/api/vhosts/{vhost}", Access.Administrator, request =>
            request.JsonAsync(VirtualHostJson.Create(request.VirtualHost(), request.Context)));
        routes.Put("/api/vhosts/{vhost}", Access.Administrator, Put);
        routes.Delete("/api/vhosts/{vhost}", Access.Administrator, request =>
        {
            // Its queues, exchanges, permissions and policies go with it; its connections are closed.
            if (!request.Broker.DeleteVirtualHost(request.Route("vhost")))
            {
                throw ApiException.NotFound();
            }

            request.NoContent();
            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// Creates the vhost (201) or leaves an existing one as it is (204), turning its firehose tracer on or off
    /// when the body has <c>tracing</c>; description and tags are accepted but not kept. As RabbitMQ's API does, the administrator who creates a vhost gets full permissions on it.
    /// </summary>
    private static async Task Put(ApiRequest request)
    {
        // The body is still checked, so a malformed one is refused as RabbitMQ refuses it.
        var body = await request.ReadBodyAsync().ConfigureAwait(false);
        body.String("description");
        var tracing = body.Boolean("tracing");
        var name = request.Route("vhost");
        var created = request.Broker.FindVirtualHost(name) is null;
        var virtualHost = request.Broker.AddVirtualHost(name);
        if (tracing is { } on)
        {
            // RabbitMQ's firehose: trace_on / trace_off for this vhost (not kept across restarts).
            virtualHost.Tracer.IsOn = on;
        }

        if (created)
        {
            request.Broker.SetPermission(new Permission(request.User.Name, name, ".*", ".*", ".*"));
        }

        request.Created(created);
    }
}
