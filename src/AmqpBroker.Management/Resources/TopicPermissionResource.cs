using AmqpBroker.Management.Formatting;

namespace AmqpBroker.Management.Resources;

/// <summary>
/// /api/topic-permissions: administrators list, read, set and clear users' write and read patterns on the
/// routing keys of topic exchanges, with RabbitMQ's answers. One user's topic permissions in one vhost are one
/// resource: a PUT that creates the first answers 201, later ones 204; reading or deleting them answers 404 when
/// there are none.
/// </summary>
internal static class TopicPermissionResource
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        PermissionListings.Map(routes, "topic-permissions", broker => broker.TopicPermissions, PermissionJson.Sorted, p => (p.User, p.VirtualHost));
        routes.Get("/api/topic-permissions/{vhost}/{user}", Access.Administrator, request => request.ListAsync(PermissionJson.Sorted(Existing(request))));
        routes.Put("/api/topic-permissions/{vhost}/{user}", Access.Administrator, Put);
        routes.Delete("/api/topic-permissions/{vhost}/{user}", Access.Administrator, request => Delete(request, exchange: null));
        routes.Delete("/api/topic-permissions/{vhost}/{user}/{exchange}", Access.Administrator, request => Delete(request, request.Route("exchange")));
    }

    /// <summary>The user's topic permissions in the vhost; 404 when there are none (or no such user or vhost).</summary>
    private static List<Core.Security.TopicPermission> Existing(ApiRequest request)
    {
        var (user, virtualHost) = (request.Route("user"), request.Route("vhost"));
        var permissions = request.Broker.TopicPermissions.Where(p => p.User == user && p.VirtualHost == virtualHost).ToList();
        return permissions.Count > 0 ? permissions : throw ApiException.NotFound();
    }

    private static async Task Put(ApiRequest request)
    {
        var body = await request.ReadBodyAsync().ConfigureAwait(false);
        var permission = PermissionDocument.ReadTopic(request.Route("user"), request.Route("vhost"), body);
        var created = !request.Broker.TopicPermissions.Any(p => p.User == permission.User && p.VirtualHost == permission.VirtualHost);
        request.Broker.SetTopicPermission(permission);
        request.Created(created);
    }

    private static Task Delete(ApiRequest request, string? exchange)
    {
        Existing(request);
        request.Broker.ClearTopicPermissions(request.Route("user"), request.Route("vhost"), exchange);
        request.NoContent();
        return Task.CompletedTask;
    }
}
