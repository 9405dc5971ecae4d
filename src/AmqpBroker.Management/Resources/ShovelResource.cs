using AmqpBroker.Core;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Shovels;
using AmqpBroker.Management.Formatting;
using Microsoft.Extensions.DependencyInjection;

namespace AmqpBroker.Management.Resources;

/// <summary>
/// /api/shovels, as RabbitMQ's shovel management plugin serves it to monitoring users and administrators:
/// the status of every dynamic shovel in the vhosts the user may access, one shovel (as the release answers it),
/// deleting one (its parameter; from 3.13.3 also one without a status), and restarting one, which from 4.2.6 need the
/// policymaker tag (<see cref="VersionProfile.ShovelApiDeleteNeedsPolicymaker"/>). A broker without the shovel component
/// lists none. RabbitMQ answers 405 <c>Protected</c> for deleting a locked shovel; ours have no lock.
/// </summary>
internal static class ShovelResource
{
    /// <summary>The runtime parameter component whose parameters are shovels.</summary>
    private const string Component = "shovel";

    public static void Map(IEndpointRouteBuilder routes)
    {
        var deleteAccess = routes.ServiceProvider.GetRequiredService<Broker>().Settings.Profile.ShovelApiDeleteNeedsPolicymaker
            ? Access.Policymaker
            : Access.Monitoring;
        routes.GetPerVirtualHost("/api/shovels", Access.Monitoring, (request, virtualHosts) =>
        {
            var names = ApiRequest.Names(virtualHosts);
            return ListStatusesAsync(request, s => names.Contains(s.VirtualHost));
        });
        routes.Get("/api/shovels/vhost/{vhost}/{name}", Access.Monitoring, Get);
        routes.Delete("/api/shovels/vhost/{vhost}/{name}", deleteAccess, request =>
        {
            var (virtualHost, name) = (request.VirtualHost().Name, request.Route("name"));
            if (!request.Broker.Settings.Profile.ShovelApiDeletesUnlisted)
            {
                Find(request);
            }

            request.Broker.Parameters.Clear(Component, virtualHost, name);
            request.NoContent();
            return Task.CompletedTask;
        });
        routes.Delete("/api/shovels/vhost/{vhost}/{name}/restart", deleteAccess, request =>
        {
            var status = Find(request);
            return request.NoContentIfFound(request.Context.Shovels?.Restart(status.VirtualHost, status.Name) == true);
        });
    }

    /// <summary>
    /// One shovel that has a status: its parameter from 3.13.7, else every status of its vhost
    /// (<see cref="VersionProfile.ShovelApiAnswersParameter"/>); the parameter's URIs without credentials from 4.3.5.
    /// </summary>
    private static Task Get(ApiRequest request)
    {
        var status = Find(request);
        var profile = request.Broker.Settings.Profile;
        if (!profile.ShovelApiAnswersParameter)
        {
            return ListStatusesAsync(request, s => s.VirtualHost == status.VirtualHost);
        }

        var parameter = request.Broker.Parameters.Find(Component, status.VirtualHost, status.Name) ?? throw ApiException.NotFound();
        var json = ParameterJson.Create(parameter);
        if (profile.ShovelApiRedactsUris && json["value"] is JsonObject value)
        {
            ShovelJson.RedactUris(value);
        }

        return request.JsonAsync(json);
    }

    /// <summary>The statuses <paramref name="include"/> selects, in RabbitMQ's form.</summary>
    private static Task ListStatusesAsync(ApiRequest request, Func<ShovelStatus, bool> include) =>
        request.ListAsync((request.Context.Shovels?.Statuses ?? []).Where(include).Select(s => ShovelJson.Create(s, request.Context.NodeName, TimeZoneInfo.Local)));

    private static ShovelStatus Find(ApiRequest request)
    {
        var virtualHost = request.VirtualHost().Name;
        var name = request.Route("name");
        return request.Context.Shovels?.Statuses.FirstOrDefault(s => s.VirtualHost == virtualHost && s.Name == name)
            ?? throw ApiException.NotFound();
    }
}
