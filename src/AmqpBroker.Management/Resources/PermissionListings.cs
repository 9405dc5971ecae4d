using AmqpBroker.Core;

namespace AmqpBroker.Management.Resources;

/// <summary>
/// The administrators' three listings of one kind of permission, each sorted as <see cref="Formatting.PermissionJson"/>
/// sorts it: <c>/api/{kind}</c> lists them all, <c>/api/vhosts/{vhost}/{kind}</c> those in one vhost and
/// <c>/api/users/{user}/{kind}</c> those of one user (404 when there is no such vhost or user).
/// </summary>
internal static class PermissionListings
{
    /// <param name="routes">Where to map the three routes.</param>
    /// <param name="kind">The path segment: <c>permissions</c> or <c>topic-permissions</c>.</param>
    /// <param name="all">Every permission of the kind the broker holds.</param>
    /// <param name="sorted">The permissions as JSON, in the listing's order.</param>
    /// <param name="owner">The user and vhost a permission belongs to.</param>
    public static void Map<T>(
        IEndpointRouteBuilder routes, string kind, Func<Broker, IEnumerable<T>> all, Func<IEnumerable<T>, IEnumerable<JsonObject>> sorted, Func<T, (string User, string VirtualHost)> owner)
    {
        routes.Get($"/api/{kind}", Access.Administrator, request => request.ListAsync(sorted(all(request.Broker))));
        routes.Get($"/api/vhosts/{{vhost}}/{kind}", Access.Administrator, request =>
        {
            var virtualHost = request.VirtualHost().Name;
            return request.ListAsync(sorted(all(request.Broker).Where(p => owner(p).VirtualHost == virtualHost)));
        });
        routes.Get($"/api/users/{{user}}/{kind}", Access.Administrator, request =>
        {
            var user = request.NamedUser().Name;
            return request.ListAsync(sorted(all(request.Broker).Where(p => owner(p).User == user)));
        });
    }
}
