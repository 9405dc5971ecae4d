using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Core.Security;
using AmqpBroker.Management.Formatting;

namespace AmqpBroker.Management.Resources;

/// <summary>/api/vhosts: list, get, create, delete virtual hosts.</summary>
internal static class VirtualHostResource
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.Get("/api/vhosts", Access.Management, request =>
            request.ListAsync(request.InListableVirtualHosts(request.Broker.VirtualHosts, v => v.Name).Select(v => VirtualHostJson.Create(v, request.Context))));
        // RabbitMQ 3.10 shows a single vhost to administrators only.
        routes.Get("/api/vhosts/{vhost}", Access.Administrator, request =>
            request.JsonAsync(VirtualHostJson.Create(request.VirtualHost(), request.Context)));
        routes.Put("/api/vhosts/{vhost}", Access.Administrator, Put);
        // Its queues, exchanges, permissions and policies go with it; its connections are closed.
        routes.Delete("/api/vhosts/{vhost}", Access.Administrator, Delete);
    }

    /// <summary>Deletes the vhost; one protected from deletion is refused with 412 (rabbit_mgmt_wm_vhost:delete_resource at v4.1.0).</summary>
    private static Task Delete(ApiRequest request)
    {
        try
        {
            return request.NoContentIfFound(request.Broker.DeleteVirtualHost(request.Route("vhost")));
        }
        catch (VirtualHostProtectedException ex)
        {
            throw new ApiException(StatusCodes.Status412PreconditionFailed, "precondition_failed", ex.Message);
        }
    }

    /// <summary>
    /// Creates the vhost (201) or updates an existing one (204), turning its firehose tracer on or off when the body
    /// has <c>tracing</c>. Its description and tags are the body's, absent ones empty, on every PUT (rabbit_vhost:put_vhost);
    /// the default queue type as the release takes it (<see cref="DefaultQueueTypeRequest"/>). As RabbitMQ's API does, the
    /// administrator who creates a vhost gets full permissions on it.
    /// </summary>
    private static async Task Put(ApiRequest request)
    {
        var body = await request.ReadBodyAsync().ConfigureAwait(false);
        var tracing = body.Boolean("tracing");
        var name = request.Route("vhost");
        var created = request.Broker.FindVirtualHost(name) is null;
        var metadata = DefaultQueueTypeRequest.Read(body, request.Broker.Settings.Profile, created) with
        {
            Description = body.String("description") ?? "",
            Tags = VirtualHostTags.Read(body.Root["tags"]),
        };
        var virtualHost = request.Broker.AddVirtualHost(name, metadata);
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
