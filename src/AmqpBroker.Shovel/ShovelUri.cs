using AmqpBroker.Core.Shovels;
using RabbitMQ.Client;

namespace AmqpBroker.Shovel;

/// <summary>
/// One AMQP URI of a shovel end, as RabbitMQ's <c>amqp_uri</c> reads it: <c>amqp://user:pass@host:port/vhost</c>
/// or <c>amqps://…</c>. A URI without a host (<c>amqp://</c>, <c>amqp:///vhost</c>) means this broker, reached
/// through its own AMQP listener (<see cref="LocalBroker"/>). Made by <see cref="TryParse"/>.
/// </summary>
/// <param name="Text">The URI as given.</param>
/// <param name="Tls">amqps.</param>
/// <param name="User">The user, when the URI names one.</param>
/// <param name="Password">The password, when the URI names a user.</param>
/// <param name="Host">The host; empty for this broker.</param>
/// <param name="Port">The port, when the URI names one.</param>
/// <param name="VirtualHost">The vhost.</param>
internal sealed record ShovelUri(string Text, bool Tls, string? User, string? Password, string Host, int? Port, string VirtualHost)
{
    private const string DefaultUser = "guest";

    public bool IsLocal => Host.Length == 0;

    /// <summary>The URI without its credentials and query string, as the shovel's status reports it.</summary>
    public string Display => ShovelUris.WithoutCredentials(Text);

    /// <summary>The URI without its credentials and query string (a record would print the password).</summary>
    public override string ToString() => Display;

    /// <summary>Reads a URI; null with RabbitMQ's reason when it is not one.</summary>
    public static ShovelUri? TryParse(string text, out string? error)
    {
        error = null;
        var tls = text.StartsWith("amqps://", StringComparison.Ordinal);
        if (!tls && !text.StartsWith("amqp://", StringComparison.Ordinal))
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            error = colon > 0
                ? $"\"{text}\" not a valid URI: {{{{unexpected_uri_scheme,\"{text[..colon]}\"}},\"{text}\"}}"
                : $"\"{text}\" not a valid URI: {{malformed_uri,\"{text}\"}}";
            return null;
        }

        var rest = text[(tls ? 8 : 7)..];
        var query = rest.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            rest = rest[..query];
        }

        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "" : rest[(slash + 1)..];
        string? user = null, password = null;
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var credentials = authority[..at].Split(':', 2);
            user = Uri.UnescapeDataString(credentials[0]);
            password = credentials.Length > 1 ? Uri.UnescapeDataString(credentials[1]) : "";
            authority = authority[(at + 1)..];
        }

        var (host, port) = SplitHostPort(authority);
        if (port is < 0 or > 65535 || (port is null && authority.EndsWith(':')))
        {
            error = $"\"{text}\" not a valid URI: {{invalid_port,\"{text}\"}}";
            return null;
        }

        // As RabbitMQ's amqp_uri: no path is the vhost "/", a bare "/" the empty vhost, "/%2F" the vhost "/".
        var virtualHost = slash < 0 ? "/" : Uri.UnescapeDataString(path);
        return new ShovelUri(text, tls, user, password, host, port, virtualHost);
    }

    /// <summary>The connection settings for this URI; a local one goes to <paramref name="local"/>'s listener.</summary>
    public ConnectionFactory CreateFactory(LocalBroker local, string connectionName)
    {
        var factory = new ConnectionFactory
        {
            HostName = IsLocal ? local.Host : Host,
            Port = Port ?? (IsLocal ? local.Port : Tls ? 5671 : 5672),
            UserName = User ?? (IsLocal ? local.User : DefaultUser),
            Password = Password ?? (IsLocal ? local.Password : DefaultUser),
            VirtualHost = VirtualHost,
            ClientProvidedName = connectionName,
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(10),
            RequestedHeartbeat = TimeSpan.FromSeconds(60),
        };
        if (Tls)
        {
            factory.Ssl = new SslOption(Host) { Enabled = true };
        }

        return factory;
    }

    private static (string Host, int? Port) SplitHostPort(string authority)
    {
        // [::1]:5672 keeps its brackets out of the host name.
        var close = authority.StartsWith('[') ? authority.IndexOf(']', StringComparison.Ordinal) : -1;
        var colon = authority.LastIndexOf(':');
        if (colon < 0 || colon < close)
        {
            return (authority.Trim('[', ']'), null);
        }

        var portText = authority[(colon + 1)..];
        var host = authority[..colon].Trim('[', ']');
        return portText.Length == 0 ? (host, null) : int.TryParse(portText, out var port) ? (host, port) : (host, -1);
    }
}

/// <summary>How a shovel reaches this broker for a URI without a host: its AMQP listener and the user it connects as.</summary>
public sealed record LocalBroker(string Host, int Port, string User, string Password);
