using System.Net;
using System.Text;
using AmqpBroker.Core;
using AmqpBroker.Core.Security;

namespace AmqpBroker.Management.Http;

/// <summary>
/// HTTP Basic authentication of every <c>/api</c> request against the broker's user store, with
/// RabbitMQ's answers: no credentials is a bare 401 challenge, wrong ones a JSON 401 (<see cref="ApiException.LoginFailed"/>), a user without a
/// management tag 401 "Not management user", a loopback-only user (guest) from elsewhere 401. A path no API route
/// serves, and a method a served path does not allow (OPTIONS among them), are answered before credentials are looked at, as
/// RabbitMQ 3.10.8 answers them (cowboy_rest checks allowed_methods before is_authorized; unknown paths go to a
/// not-found handler that asks for no credentials). Runs after routing, so the matched endpoint is known.
/// </summary>
internal sealed class AuthenticationMiddleware(RequestDelegate next, Broker broker)
{
    public const string Challenge = "Basic realm=\"RabbitMQ Management\"";

    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal) || !IsApiRoute(context.GetEndpoint()))
        {
            return next(context);
        }

        if (!TryReadCredentials(context.Request, out var name, out var password))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = Challenge;
            return Task.CompletedTask;
        }

        var user = broker.Users.Authenticate(name, password);
        if (user is null)
        {
            broker.AuthenticationAttempts.Failed(AuthenticationAttempts.Http, context.Connection.RemoteIpAddress?.ToString() ?? "", name);
            throw ApiException.LoginFailed(broker.Settings.Profile.ApiLoginFailureIsNotAuthorized);
        }

        broker.AuthenticationAttempts.Succeeded(AuthenticationAttempts.Http, context.Connection.RemoteIpAddress?.ToString() ?? "", name);
        if (broker.Settings.LoopbackUsers.Contains(user.Name) && !IsLoopback(context.Connection.RemoteIpAddress))
        {
            throw ApiException.NotAuthorised("User can only log in via localhost");
        }

        var apiUser = new ApiUser(user, broker);
        apiUser.Require(Access.Management);
        context.Features.Set(apiUser);
        ResponseHeaders.Negotiated(context);
        return next(context);
    }

    /// <summary>Whether routing matched an API route (routing's own 405 endpoint carries no <see cref="Access"/>).</summary>
    private static bool IsApiRoute(Endpoint? endpoint) => endpoint is not null && endpoint.Metadata.OfType<Access>().Any();

    private static bool TryReadCredentials(HttpRequest request, out string name, out string password)
    {
        name = password = "";
        var header = request.Headers.Authorization.ToString();
        const string Scheme = "Basic ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(header[Scheme.Length..].Trim());
        }
        catch (FormatException)
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(bytes);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        name = text[..colon];
        password = text[(colon + 1)..];
        return true;
    }

    private static bool IsLoopback(IPAddress? address) => address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
