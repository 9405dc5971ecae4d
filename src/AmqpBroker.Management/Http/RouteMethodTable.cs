using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Primitives;

namespace AmqpBroker.Management.Http;

/// <summary>
/// The methods each API path pattern serves, gathered as <see cref="ApiRoutes"/> registers them, so that OPTIONS and a
/// method the path does not serve are answered with that pattern's methods alone, as each RabbitMQ resource lists its
/// own (RabbitMQ 3.10.8: <c>allow: POST, OPTIONS</c> on /api/users/bulk-delete, although /api/users/{user} serves more).
/// Routing's own 405 would list the methods of every pattern the path matches.
/// </summary>
internal sealed class RouteMethodTable
{
    private readonly Dictionary<string, HashSet<string>> _methods = new(StringComparer.Ordinal);

    public void Add(string pattern, IEnumerable<string> methods)
    {
        if (!_methods.TryGetValue(pattern, out var served))
        {
            _methods[pattern] = served = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        }

        served.UnionWith(methods);
    }

    /// <summary>
    /// Registers, for every pattern, one endpoint answering the methods cowboy_rest knows that it does not serve
    /// (<see cref="AllowedMethods"/>); any other method is left to routing's 405, which becomes a 501.
    /// </summary>
    public void MapOtherMethods(IEndpointRouteBuilder routes)
    {
        foreach (var (pattern, served) in _methods)
        {
            var allowed = new StringValues([.. served]);
            routes.MapMethods(pattern, AllowedMethods.Known.Where(method => !served.Contains(method)), (RequestDelegate)(http =>
            {
                AllowedMethods.Answer(http, allowed);
                return Task.CompletedTask;
            }));
        }
    }
}
