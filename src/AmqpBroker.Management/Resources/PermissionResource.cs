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
        routes.Get("/api/permissions", Access.Administrator, request => request.ListAsync(PermissionJson.Sorted(request.Broker.Permissions)));
        routes.Get("/api/vhosts/{vhost}/permissions", Access.Administrator, request =>
        {
            var virtualHost = request.VirtualHost();
            return request.ListAsync(PermissionJson.Sorted(request.Broker.Permissions.Where(p => p.VirtualHost == virtualHost.Name)));
        });
        routes.Get("/api/users/{user}/permissions", Access.Administrator, request =>
        {
            var user = request.NamedUser();
            return request.ListAsync(PermissionJson.Sorted(request.Broker.Permissions.Where(p => p.User == user.Name)));
        });
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
