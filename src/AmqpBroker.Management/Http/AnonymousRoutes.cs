using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AmqpBroker.Management.Http;

/// <summary>
/// API routes that ask for no credentials, as RabbitMQ's resources without an is_authorized/2 (cowboy_rest then
/// authorises everyone): their answer is negotiated like any route's, and their methods noted in the
/// <see cref="RouteMethodTable"/>, but they carry no <see cref="Security.Access"/>, so authentication passes them by.
/// </summary>
internal static class AnonymousRoutes
{
    /// <summary>GET (and HEAD) on <paramref name="pattern"/> for anyone, with or without credentials.</summary>
    public static void GetWithoutCredentials(this IEndpointRouteBuilder routes, string pattern, Func<HttpContext, ManagementContext, Task> handler)
    {
        string[] methods = [HttpMethods.Get, HttpMethods.Head];
        routes.ServiceProvider.GetRequiredService<RouteMethodTable>().Add(pattern, methods);
        routes.MapMethods(pattern, methods, (RequestDelegate)(http =>
        {
            ResponseHeaders.Negotiated(http);
            return handler(http, http.RequestServices.GetRequiredService<ManagementContext>());
        }));
    }

    /// <summary>
    /// rabbit_mgmt_headers:set_no_cache_headers (v4.0.5 to v4.3.5): <c>pragma: no-cache</c> and <c>expires: 0</c>; its
    /// <c>cache-control</c> is replaced by the <c>no-cache</c> every JSON answer carries (rabbit_mgmt_util:reply).
    /// </summary>
    public static void NoCache(HttpResponse response)
    {
        response.Headers.Pragma = "no-cache";
        response.Headers.Expires = "0";
    }
}
