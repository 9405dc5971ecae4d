using AmqpBroker.Management.Formatting;

namespace AmqpBroker.Management.Resources;

/// <summary>
/// /api/permissions: administrators list, read, set and clear users' configure/write/read patterns per
/// vhost. Topic permissions are <see cref="TopicPermissionResource"/>'s.
/// </summary>
internal static class PermissionResource
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        PermissionListings.Map(routes, "permissions", broker => broker.Permissions, PermissionJson.Sorted, p => (p.User, p.VirtualHost));
        routes.Get("/api/permissions/{vhost}/{user}", Access.Administrator, request =>
            request.JsonAsync(PermissionJson.Create(request.Broker.FindPermission(request.Route("user"), request.Route("vhost")) ?? throw ApiException.NotFound())));
        routes.Put("/api/permissions/{vhost}/{user}", Access.Administrator, Put);
        routes.Delete("/api/permissions/{vhost}/{user}", Access.Administrator, request =>
            request.NoContentIfFound(request.Broker.ClearPermission(request.Route("user"), request.Route("vhost"))));
    }

    /// <summary>Sets the three patterns (all required); an unknown user or vhost, or a bad pattern, is RabbitMQ's 400.</summary>
    private static async Task Put(ApiRequest request)
    {
        var body = await request.ReadBodyAsync().ConfigureAwait(false);
        var permission = PermissionDocument.Read(request.Route("user"), request.Route("vhost"), body);
        var created = request.Broker.FindPermission(permission.User, permission.VirtualHost) is null;
        request.Broker.SetPermission(permission);
        request.Created(created);
    }
}
