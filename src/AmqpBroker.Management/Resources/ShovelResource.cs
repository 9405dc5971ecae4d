using System.Text.Json;
using AmqpBroker.Core;
using AmqpBroker.Core.Parameters;
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
/// lists none. An internal shovel (4.2+) is not deleted here: 405 <c>Protected</c>.
/// </summary>
internal static class ShovelResource
{
    /// <summary>The runtime parameter component whose parameters are shovels.</summary>
    private const string Component = "shovel";

    /// <summary>The body of the 405 for deleting an internal shovel (rabbit_shovel_mgmt_shovel:delete_resource from v4.2.0).</summary>
    private const string ProtectedText = "Protected";

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
        routes.Delete("/api/shovels/vhost/{vhost}/{name}", deleteAccess, Delete);
        routes.Delete("/api/shovels/vhost/{vhost}/{name}/restart", deleteAccess, request =>
        {
            var status = Find(request);
            return request.NoContentIfFound(request.Context.Shovels?.Restart(status.VirtualHost, status.Name) == true);
        });
    }

    /// <summary>
    /// Deletes the shovel's parameter, unless the shovel is internal and has a status (<see cref="VersionProfile.ShovelInternalKeys"/>):
    /// then RabbitMQ's delete_shovel refuses with resource_locked, which delete_resource answers with a bare 405.
    /// </summary>
    private static Task Delete(ApiRequest request)
    {
        var (virtualHost, name) = (request.VirtualHost().Name, request.Route("name"));
        var profile = request.Broker.Settings.Profile;
        var listed = request.Context.Shovels?.Statuses.Any(s => s.VirtualHost == virtualHost && s.Name == name) == true;
        if (!listed && !profile.ShovelApiDeletesUnlisted)
        {
            throw ApiException.NotFound();
        }

        if (listed && profile.ShovelInternalKeys && IsInternal(request.Broker.Parameters.Find(Component, virtualHost, name)))
        {
            var response = request.Http.Response;
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.ContentType = "text/plain";
            return response.WriteAsync(ProtectedText);
        }

        request.Broker.Parameters.Clear(Component, virtualHost, name);
        request.NoContent();
        return Task.CompletedTask;
    }

    /// <summary>rabbit_shovel_parameters:is_internal: the value's <c>internal</c> is true.</summary>
    private static bool IsInternal(RuntimeParameter? parameter) =>
        parameter?.Value is { ValueKind: JsonValueKind.Object } value && value.TryGetProperty("internal", out var flag) && flag.ValueKind == JsonValueKind.True;

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
