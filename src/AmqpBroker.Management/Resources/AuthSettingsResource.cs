using AmqpBroker.Core;
using AmqpBroker.Core.Profiles;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AmqpBroker.Management.Resources;

/// <summary>
/// GET /api/auth: the OAuth 2 settings the management UI of 3.x read before its login, answered without credentials
/// (rabbit_mgmt_wm_auth:is_authorized accepts everyone) and with OAuth 2 off, as the profile's release words it
/// (<see cref="VersionProfile.AuthSettingsEndpoint"/>). RabbitMQ 4.2.6 removed the endpoint (#16083): it is 404 there.
/// </summary>
internal static class AuthSettingsResource
{
    private const string Path = "/api/auth";

    /// <summary>Answers the endpoint ahead of authentication, where the profile has it.</summary>
    public static void Use(WebApplication app)
    {
        var settings = Settings(app.Services.GetRequiredService<Broker>().Settings.Profile.AuthSettingsEndpoint);
        if (settings is null)
        {
            return;
        }

        app.MapWhen(
            http => http.Request.Path.Equals(Path, StringComparison.Ordinal) && !HttpMethods.IsOptions(http.Request.Method),
            branch => branch.Run(http => Answer(http, settings)));
    }

    /// <summary>GET and HEAD answer the settings; other methods 405, as RabbitMQ 3.10.8 does (<c>allow: HEAD, GET, OPTIONS</c>).</summary>
    private static Task Answer(HttpContext http, JsonObject settings)
    {
        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
        {
            return JsonResponse.WriteAsync(http.Response, settings.DeepClone());
        }

        http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
        http.Response.Headers.Allow = "HEAD, GET, OPTIONS";
        return Task.CompletedTask;
    }

    /// <summary>What the release answers without OAuth 2 configured, or null where it has no such endpoint.</summary>
    private static JsonObject? Settings(AuthSettingsEndpoint endpoint) => endpoint switch
    {
        // RabbitMQ 3.10.8 answers exactly this.
        AuthSettingsEndpoint.UaaFields => new JsonObject { ["enable_uaa"] = false, ["uaa_client_id"] = "", ["uaa_location"] = "" },

        // rabbit_mgmt_wm_auth:authSettings at v3.13.7 to v4.2.5, oauth_enabled unset.
        AuthSettingsEndpoint.OAuthEnabled => new JsonObject { ["oauth_enabled"] = false },
        _ => null,
    };
}
