using Microsoft.Net.Http.Headers;

namespace AmqpBroker.Management.Definitions;

/// <summary>
/// Conditional GET of the definitions export (RabbitMQ 4.3.5, <see cref="Core.Profiles.VersionProfile.DefinitionsETag"/>).
/// The ETag is made without building the export, as RabbitMQ makes its own from the metadata store's Raft term and
/// applied index plus a hash of the product version, the scope and the media type
/// (rabbit_mgmt_wm_definitions:generate_etag): here the broker's <see cref="Core.Storage.DefinitionsVersion"/> (epoch
/// and count) and a hash of the reported version and the scope (the whole broker or one vhost), as a strong, quoted tag
/// of three hex parts. A request whose If-None-Match names it (compared weakly, as Cowboy does) or is <c>*</c> is
/// answered 304 with the tag and no body; every answer with a tag has <c>cache-control: no-cache</c>.
/// </summary>
internal static class DefinitionsETag
{
    /// <summary>
    /// Tags the response when the profile has ETags; true when the request's If-None-Match already names the tag, in
    /// which case the response is a 304 and the export need not be built.
    /// </summary>
    /// <param name="request">A GET of the export.</param>
    /// <param name="virtualHost">The vhost of a per-vhost export; null for the whole broker's.</param>
    public static bool NotModified(ApiRequest request, string? virtualHost)
    {
        if (!request.Broker.Settings.Profile.DefinitionsETag)
        {
            return false;
        }

        var tag = For(request, virtualHost);
        var response = request.Http.Response;
        response.Headers.ETag = tag.ToString();
        response.Headers.CacheControl = "no-cache";
        var ifNoneMatch = request.Http.Request.GetTypedHeaders().IfNoneMatch;
        if (!ifNoneMatch.Any(candidate => candidate.Equals(EntityTagHeaderValue.Any) || candidate.Compare(tag, useStrongComparison: false)))
        {
            return false;
        }

        response.StatusCode = StatusCodes.Status304NotModified;
        return true;
    }

    private static EntityTagHeaderValue For(ApiRequest request, string? virtualHost)
    {
        var version = request.Broker.DefinitionsVersion;
        var scope = (uint)HashCode.Combine(request.Context.RabbitMqVersion, virtualHost is null, virtualHost);
        return new EntityTagHeaderValue($"\"{version.Epoch:x}-{version.Changes:x}-{scope:x}\"");
    }
}
