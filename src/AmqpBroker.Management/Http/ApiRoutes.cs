using AmqpBroker.Core.VirtualHosts;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AmqpBroker.Management.Http;

/// <summary>
/// Registers admin API handlers with the tag each one requires, so no route can forget its check. The tag is also the
/// endpoint's metadata, so a test can walk every route and know who may use it. Every GET route also answers HEAD, as
/// cowboy_rest does for any resource with GET: the same status and headers, and Kestrel drops the body. The methods are
/// also noted per pattern (<see cref="RouteMethodTable"/>), which answers OPTIONS and the methods a pattern does not serve.
/// </summary>
internal static class ApiRoutes
{
    public static void Get(this IEndpointRouteBuilder routes, string pattern, Access access, Func<ApiRequest, Task> handler) =>
        Map(routes, [HttpMethods.Get, HttpMethods.Head], pattern, access, handler);

    public static void Put(this IEndpointRouteBuilder routes, string pattern, Access access, Func<ApiRequest, Task> handler) =>
        Map(routes, [HttpMethods.Put], pattern, access, handler);

    public static void Post(this IEndpointRouteBuilder routes, string pattern, Access access, Func<ApiRequest, Task> handler) =>
        Map(routes, [HttpMethods.Post], pattern, access, handler);

    public static void Delete(this IEndpointRouteBuilder routes, string pattern, Access access, Func<ApiRequest, Task> handler) =>
        Map(routes, [HttpMethods.Delete], pattern, access, handler);

    /// <summary>
    /// A listing in two scopes: GET <paramref name="path"/> answers <paramref name="list"/> over every vhost the user may
    /// access (in name order) or the one its <c>x-vhost</c> header names (<see cref="ApiRequest.ListedVirtualHosts"/>),
    /// GET <paramref name="path"/>/{vhost} over that vhost alone (404 or 401 as <see cref="ApiRequest.VirtualHost"/> answers).
    /// </summary>
    public static void GetPerVirtualHost(this IEndpointRouteBuilder routes, string path, Access access, Func<ApiRequest, IEnumerable<VirtualHost>, Task> list)
    {
        routes.Get(path, access, request => list(request, request.ListedVirtualHosts()));
        routes.Get(path + "/{vhost}", access, request => list(request, [request.VirtualHost()]));
    }

    private static void Map(IEndpointRouteBuilder routes, string[] methods, string pattern, Access access, Func<ApiRequest, Task> handler)
    {
        routes.ServiceProvider.GetRequiredService<RouteMethodTable>().Add(pattern, methods);
        routes.MapMethods(pattern, methods, (RequestDelegate)(http => handler(ApiRequest.Start(http, access)))).WithMetadata(access);
    }
}
