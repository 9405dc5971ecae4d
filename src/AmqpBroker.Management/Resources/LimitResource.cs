using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Management.Formatting;
using AmqpBroker.Management.Json;

namespace AmqpBroker.Management.Resources;

/// <summary>
/// /api/vhost-limits and /api/user-limits: every management user lists the limits of the vhosts it can see
/// (monitoring users: every vhost) and of users (where the profile reveals less, all users' to administrators only,
/// one user's to monitoring users and that user); administrators set one limit at a time with <c>{"value": N}</c>
/// (an integer; negative is no limit) and clear it, with RabbitMQ's answers. Unlike RabbitMQ, clearing a limit of a
/// vhost or user that does not exist is a 404, not a 500. The <c>x-vhost</c> header scopes the vhost list to one vhost
/// as its path would (<see cref="ApiRequest.HeaderVirtualHost"/>).
/// </summary>
internal static class LimitResource
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.Get("/api/vhost-limits", Access.Management, request =>
            request.HeaderVirtualHost(ApiException.NotFound(), request.User.CanListVirtualHost) is { } named
                ? LimitsOfAsync(request, named)
                : request.ListAsync(request.InListableVirtualHosts(request.Broker.VirtualHostLimits, l => l.Key).Select(l => LimitJson.Create("vhost", l.Key, l.Value))));
        routes.Get("/api/vhost-limits/{vhost}", Access.Management, request => LimitsOfAsync(request, request.VisibleVirtualHost()));
        routes.Put("/api/vhost-limits/{vhost}/{name}", Access.Administrator, async request =>
        {
            if (!request.DeclaresContentType("application/json"))
            {
                return;
            }

            var virtualHost = request.VirtualHost(creating: true);
            var value = await ReadValueAsync(request).ConfigureAwait(false);
            request.Broker.SetVirtualHostLimit(virtualHost.Name, request.Route("name"), value);
            request.NoContent();
        });
        routes.Delete("/api/vhost-limits/{vhost}/{name}", Access.Administrator, request =>
        {
            request.Broker.ClearVirtualHostLimit(request.VirtualHost().Name, request.Route("name"));
            request.NoContent();
            return Task.CompletedTask;
        });

        routes.Get("/api/user-limits", Access.Management, request =>
        {
            if (RevealsLess(request))
            {
                request.User.Require(Access.Administrator);
            }

            return request.ListAsync(request.Broker.UserLimits
                .OrderBy(l => l.Key, StringComparer.Ordinal)
                .Select(l => LimitJson.Create("user", l.Key, l.Value)));
        });
        routes.Get("/api/user-limits/{user}", Access.Management, request =>
        {
            if (RevealsLess(request))
            {
                request.RequireOwnOrMonitoring(request.Route("user"));
            }

            var user = request.NamedUser().Name;
            var limits = request.Broker.LimitsOfUser(user);
            return request.ListAsync(limits.Count == 0 ? [] : [LimitJson.Create("user", user, limits)]);
        });
        routes.Put("/api/user-limits/{user}/{name}", Access.Administrator, async request =>
        {
            if (!request.DeclaresContentType("application/json"))
            {
                return;
            }

            var value = await ReadValueAsync(request).ConfigureAwait(false);
            request.Broker.SetUserLimit(request.Route("user"), request.Route("name"), value);
            request.NoContent();
        });
        routes.Delete("/api/user-limits/{user}/{name}", Access.Administrator, request =>
        {
            request.Broker.ClearUserLimit(request.NamedUser().Name, request.Route("name"));
            request.NoContent();
            return Task.CompletedTask;
        });
    }

    /// <summary>One vhost's limits: the vhost in the path or the <c>x-vhost</c> header (rabbit_mgmt_wm_limits:limits/2 reads rabbit_mgmt_util:vhost/1).</summary>
    private static Task LimitsOfAsync(ApiRequest request, VirtualHost virtualHost)
    {
        var limits = request.Broker.LimitsOfVirtualHost(virtualHost.Name);
        return request.ListAsync(limits.Count == 0 ? [] : [LimitJson.Create("vhost", virtualHost.Name, limits)]);
    }

    /// <summary>Whether reading user limits is restricted as in RabbitMQ 4.2.9 and 4.3.3 (rabbit_mgmt_wm_user_limits:is_authorized).</summary>
    private static bool RevealsLess(ApiRequest request) => request.Broker.Settings.Profile.HttpApiRevealsLess;

    /// <summary>The body's <c>value</c> as RabbitMQ decoded it; the broker checks it is an integer.</summary>
    private static async Task<object?> ReadValueAsync(ApiRequest request)
    {
        var body = await request.ReadBodyAsync().ConfigureAwait(false);
        body.RequireAll("value");
        return FieldTableJson.FromJson(body.Root["value"]);
    }
}
