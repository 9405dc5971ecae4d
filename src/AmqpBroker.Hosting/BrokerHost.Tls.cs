using System.Net;

namespace AmqpBroker.Hosting;

/// <summary>The TLS listeners' endpoints (AMQPS and, when asked for, HTTPS for the admin API; see <see cref="BrokerWebApplication"/>) and their certificate.</summary>
public sealed partial class BrokerHost
{
    /// <summary>The bound AMQPS endpoint, or null without TLS.</summary>
    public IPEndPoint? AmqpsEndPoint => _listeners.Amqps?.IPEndPoint;

    /// <summary>The bound HTTPS admin API endpoint, or null when there is none.</summary>
    public IPEndPoint? ManagementTlsEndPoint => _listeners.ManagementTls?.IPEndPoint;

    /// <summary>
    /// Reads the certificate, key and CA files again now, for new connections (the executable calls this on SIGHUP:
    /// a file changed behind a symbolic link, as a mounted Kubernetes secret is, raises no file event). Without TLS it does nothing.
    /// </summary>
    public void ReloadCertificates() => _certificates?.Reload();
}
