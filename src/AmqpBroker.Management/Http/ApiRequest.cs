using AmqpBroker.Core;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.VirtualHosts;
using Microsoft.Extensions.DependencyInjection;

namespace AmqpBroker.Management.Http;

/// <summary>
/// One admin API call as a handler sees it: who is asking, the decoded path values, the query, the body,
/// and how to answer.
/// </summary>
internal sealed class ApiRequest(HttpContext http, ManagementContext context, ApiUser user, Access access)
{
    public HttpContext Http => http;

    public ManagementContext Context => context;

    public Broker Broker => context.Broker;

    public ApiUser User => user;

    /// <summary>Authenticates (already done by the middleware) and checks <paramref name="access"/>.</summary>
    public static ApiRequest Start(HttpContext http, Access access)
    {
        var user = http.Features.Get<ApiUser>() ?? throw new InvalidOperationException("the authentication middleware did not run");
        user.Require(access);
        return new ApiRequest(http, http.RequestServices.GetRequiredService<ManagementContext>(), user, access);
    }

    /// <summary>A path value, percent-decoded exactly once (see <see cref="RawPathMiddleware"/>).</summary>
    public string Route(string name) => Uri.UnescapeDataString(http.Request.RouteValues[name] as string ?? "");

    public string? Query(string name) => http.Request.Query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    public bool QueryFlag(string name) => string.Equals(Query(name), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The vhost named by the path: 404 when it does not exist (RabbitMQ's "vhost_not_found" when something
    /// was to be created in it); when the user may not use it, 401 (naming the object on a policymaker's route, as
    /// RabbitMQ's is_authorized_policies does), or 404 <c>not_found</c> where the profile reveals less
    /// (<see cref="Core.Profiles.VersionProfile.HttpApiRevealsLess"/>; rabbit_web_dispatch_access_control:user_matches_vhost).
    /// </summary>
    public VirtualHost VirtualHost(string routeName = "vhost", bool creating = false) => Authorised(Route(routeName), creating, user.CanAccessVirtualHost);

    /// <summary>
    /// <see cref="VirtualHost"/> for what monitoring users may read in every vhost (RabbitMQ's
    /// is_authorized_vhost_visible: vhost limits).
    /// </summary>
    public VirtualHost VisibleVirtualHost() => Authorised(Route("vhost"), creating: false, user.CanListVirtualHost);

    /// <summary>
    /// Throws RabbitMQ's 401 <c>User not authorised to access object</c> unless the user may read what belongs to
    /// <paramref name="owner"/>: monitoring users everyone's, others their own (rabbit_web_dispatch_access_control:is_authorized_user).
    /// </summary>
    public void RequireOwnOrMonitoring(string owner)
    {
        if (!user.CanSeeObjectsOf(owner))
        {
            throw ApiException.NotAuthorised("User not authorised to access object");
        }
    }

    /// <summary>The user the path's <c>{user}</c> names (not the one asking): 404 when there is no such user.</summary>
    public User NamedUser() => Broker.Users.Find(Route("user")) ?? throw ApiException.NotFound();

    /// <summary>
    /// The vhosts a listing whose path names none covers: the one the <c>x-vhost</c> request header names, as
    /// rabbit_mgmt_util:vhost reads it (its value taken as it is, not percent-decoded; empty means every vhost, as the
    /// management UI's "All"), checked as a vhost in the path is; otherwise <see cref="VisibleVirtualHosts"/>. A header
    /// naming no vhost is an unknown vhost where <see cref="Core.Profiles.VersionProfile.VirtualHostHeaderMustExist"/>;
    /// before (3.10), a vhost without objects for administrators and a vhost the user may not use for anyone else.
    /// </summary>
    public IEnumerable<VirtualHost> ListedVirtualHosts()
    {
        if (HeaderVirtualHostName() is not { } named)
        {
            return VisibleVirtualHosts();
        }

        if (Broker.FindVirtualHost(named) is null && !Broker.Settings.Profile.VirtualHostHeaderMustExist)
        {
            return user.IsAdministrator ? [] : throw Refusal();
        }

        return [Authorised(named, creating: false, user.CanAccessVirtualHost)];
    }

    /// <summary>The vhost name the <c>x-vhost</c> header gives, as it is; null when it is absent or empty (every vhost).</summary>
    public string? HeaderVirtualHostName() => http.Request.Headers[VirtualHostHeader].ToString() is { Length: > 0 } named ? named : null;

    /// <summary>
    /// For a resource that reads the <c>x-vhost</c> header in place of a vhost in its path (/api/definitions,
    /// /api/vhost-limits, /api/parameters/{component}): the vhost it names, checked as one in the path with
    /// <paramref name="mayUse"/> (by default, the user may access it), or null without the header. A header naming no vhost
    /// is <paramref name="unknown"/> where <see cref="Core.Profiles.VersionProfile.VirtualHostHeaderMustExist"/>; before
    /// (3.10), rabbit_mgmt_util:vhost/1 passed the name on unchecked: a user who may not use it is refused, and for an
    /// administrator these handlers crash (a bare 500; checked against RabbitMQ 3.10.8).
    /// </summary>
    public VirtualHost? HeaderVirtualHost(ApiException unknown, Func<string, bool>? mayUse = null)
    {
        if (HeaderVirtualHostName() is not { } named)
        {
            return null;
        }

        if (Broker.FindVirtualHost(named) is null)
        {
            throw Broker.Settings.Profile.VirtualHostHeaderMustExist ? unknown : user.IsAdministrator ? new UnansweredException() : Refusal();
        }

        return Authorised(named, creating: false, mayUse ?? user.CanAccessVirtualHost);
    }

    /// <summary>The virtual hosts whose objects the user may list.</summary>
    public IEnumerable<VirtualHost> VisibleVirtualHosts() =>
        Broker.VirtualHosts.Where(v => user.CanAccessVirtualHost(v.Name)).OrderBy(v => v.Name, StringComparer.Ordinal);

    /// <summary>
    /// The <paramref name="items"/> of the vhosts the user may list (every vhost for monitoring users), in the order of
    /// their vhost's name.
    /// </summary>
    public IEnumerable<T> InListableVirtualHosts<T>(IEnumerable<T> items, Func<T, string> virtualHost) =>
        items.Where(i => user.CanListVirtualHost(virtualHost(i))).OrderBy(virtualHost, StringComparer.Ordinal);

    /// <summary>The names of <paramref name="virtualHosts"/>, for filtering objects that name their vhost.</summary>
    public static HashSet<string> Names(IEnumerable<VirtualHost> virtualHosts) => virtualHosts.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);

    public Task<JsonBody> ReadBodyAsync() => JsonBody.ReadAsync(http.Request);

    /// <summary>
    /// Whether the body is declared as one of <paramref name="mediaTypes"/>; if not (or undeclared), answers 415 without a
    /// body, as cowboy_rest does for a resource whose content_types_accepted lists only those (rabbit_mgmt_wm_limit,
    /// _user_limit, _operator_policy and _definitions; checked against RabbitMQ 3.10.8). Other resources take any type.
    /// </summary>
    public bool DeclaresContentType(params ReadOnlySpan<string> mediaTypes)
    {
        if (Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var declared))
        {
            foreach (var mediaType in mediaTypes)
            {
                if (declared.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
        http.Response.ContentLength = 0;
        return false;
    }

    public Task JsonAsync(JsonNode? body) => JsonResponse.WriteAsync(http.Response, body);

    /// <summary>A list answer with RabbitMQ's sorting, column selection and pagination applied.</summary>
    public Task ListAsync(IEnumerable<JsonObject> items) => ListAsync(ListSource.Of(items));

    /// <summary>A list answer whose items are built as JSON only as far as sorting and the page need them.</summary>
    public Task ListAsync<T>(ListSource<T> source) => ListQuery.Parse(http.Request.Query, Broker.Settings.Profile.NameFilterRegexLimited).WriteAsync(http.Response, source);

    /// <summary>PUT answers 201 when it created the object, 204 when it already existed.</summary>
    public void Created(bool created) => http.Response.StatusCode = created ? StatusCodes.Status201Created : StatusCodes.Status204NoContent;

    public void NoContent() => http.Response.StatusCode = StatusCodes.Status204NoContent;

    /// <summary>An action on one object (mostly DELETE) answers 204 when the object was there, 404 when it was not.</summary>
    public Task NoContentIfFound(bool found)
    {
        if (!found)
        {
            throw ApiException.NotFound();
        }

        NoContent();
        return Task.CompletedTask;
    }

    /// <summary>The request header the management UI names its selected vhost in.</summary>
    public const string VirtualHostHeader = "x-vhost";

    private VirtualHost Authorised(string name, bool creating, Func<string, bool> mayUse)
    {
        var virtualHost = Broker.FindVirtualHost(name) ?? throw (creating ? ApiException.NotFound("vhost_not_found") : ApiException.NotFound());
        return mayUse(name) ? virtualHost : throw Refusal();
    }

    /// <summary>The answer to a vhost the user may not use: 401 (naming the object on a policymaker's route), or 404 where the profile reveals less.</summary>
    private ApiException Refusal() => Broker.Settings.Profile.HttpApiRevealsLess
        ? ApiException.VirtualHostHidden()
        : ApiException.NotAuthorised(access == Access.Policymaker ? "User not authorised to access object" : "User not authorised to access virtual host");
}
