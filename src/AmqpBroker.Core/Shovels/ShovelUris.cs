namespace AmqpBroker.Core.Shovels;

/// <summary>
/// A shovel URI as RabbitMQ shows it (amqp_uri:remove_credentials, at v3.10.8 as at v4.3.5): scheme, host, port and
/// path, without the credentials and without the query string. Shovel statuses report their URIs this way, and from
/// 4.3.5 so does the shovel's parameter in <c>GET /api/shovels/vhost/{vhost}/{name}</c>.
/// </summary>
public static class ShovelUris
{
    private const string SchemeEnd = "://";

    /// <summary><paramref name="uri"/> without <c>user:password@</c>, <c>?query</c> and <c>#fragment</c>; text that is no URI as it is.</summary>
    public static string WithoutCredentials(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var schemeEnd = uri.IndexOf(SchemeEnd, StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            return uri;
        }

        var rest = uri[(schemeEnd + SchemeEnd.Length)..];
        var query = rest.IndexOfAny(['?', '#']);
        if (query >= 0)
        {
            rest = rest[..query];
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? rest : rest[..slash];
        var at = authority.LastIndexOf('@');
        return uri[..(schemeEnd + SchemeEnd.Length)] + rest[(at + 1)..];
    }
}
