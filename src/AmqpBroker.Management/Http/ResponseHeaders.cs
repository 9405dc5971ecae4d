using AmqpBroker.Management.Security;

namespace AmqpBroker.Management.Http;

/// <summary>
/// The headers RabbitMQ's management listener puts on its answers (RabbitMQ 3.10.8 checked with curl): its
/// <c>content-security-policy</c> on every answer (rabbit_mgmt_headers:set_common_permission_headers, the profile's
/// <see cref="Core.Profiles.VersionProfile.ManagementContentSecurityPolicy"/>; the web page sets its own, stricter one),
/// and <c>vary: origin</c>, or <c>vary: accept, accept-encoding, origin</c> on what an API route answers once the
/// request is authorised (cowboy_rest adds <c>accept</c> when it negotiates the content type, the resources'
/// variances/2 the rest; <c>accept-encoding, origin</c> where the resource offers one type, <see cref="SingleMediaTypeRoutes"/>); a request refused while authorising (401, or 4.2's 404 for a hidden vhost) keeps
/// <c>vary: origin</c>. From 4.0.5, also the profile's <see cref="Core.Profiles.VersionProfile.ManagementCacheControl"/>.
/// No header is stored where an earlier step set its own, and none on a <see cref="Bare"/> answer.
/// </summary>
internal sealed class ResponseHeaders(RequestDelegate next, ManagementContext management)
{
    /// <summary>The vary of an answer that went through content negotiation.</summary>
    public const string NegotiatedVary = "accept, accept-encoding, origin";

    private const string SingleMediaTypeVary = "accept-encoding, origin";

    private const string DefaultVary = "origin";

    /// <summary>The <see cref="HttpContext.Items"/> key that marks a <see cref="Bare"/> answer.</summary>
    private static readonly object BareAnswer = new();

    public Task InvokeAsync(HttpContext context)
    {
        var profile = management.Broker.Settings.Profile;
        context.Response.OnStarting(() =>
        {
            if (context.Items.ContainsKey(BareAnswer))
            {
                return Task.CompletedTask;
            }

            var headers = context.Response.Headers;
            if (!headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.ContentSecurityPolicy))
            {
                headers.ContentSecurityPolicy = profile.ManagementContentSecurityPolicy;
            }

            if (profile.ManagementCacheControl is { } cacheControl && !headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.CacheControl))
            {
                headers.CacheControl = cacheControl;
            }

            if (!headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.Vary))
            {
                headers.Vary = DefaultVary;
            }

            return Task.CompletedTask;
        });
        return next(context);
    }

    /// <summary>
    /// Answers <paramref name="status"/> with no body and none of the listener's headers: what Cowboy sends before a
    /// resource runs or when it crashes (a malformed path, cowboy_router's 400 with only <c>date</c> and
    /// <c>server</c>; a handler that crashes or fails cowboy_req:match_qs, cowboy_stream_h's early error with only
    /// <c>content-length: 0</c>; RabbitMQ 3.10.8 checked over a socket, the same code in Cowboy 2.8.0 to 2.18.0 which
    /// 3.10 to 4.3 ship). Kestrel still writes its <c>date</c>, which it adds to every answer.
    /// </summary>
    public static void Bare(HttpContext context, int status)
    {
        context.Response.Clear();
        context.Response.StatusCode = status;
        context.Response.ContentLength = 0;
        context.Items[BareAnswer] = true;
    }

    /// <summary>
    /// Marks the answer as negotiated: the request was authenticated for an API route. A resource with one media type
    /// (<see cref="SingleMediaTypeRoutes"/>) does not vary on <c>accept</c>.
    /// </summary>
    public static void Negotiated(HttpContext context) =>
        context.Response.Headers.Vary = SingleMediaTypeRoutes.Contains(context) ? SingleMediaTypeVary : NegotiatedVary;

    /// <summary>After a failure cleared the headers: negotiated again unless the request was refused or never authenticated.</summary>
    public static void VaryAfterFailure(HttpContext context, bool refused)
    {
        if (!refused && context.Features.Get<ApiUser>() is not null)
        {
            Negotiated(context);
        }
    }
}
