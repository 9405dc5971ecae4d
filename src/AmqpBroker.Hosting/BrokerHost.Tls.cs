using System.Net;
using AmqpBroker.Core;
using AmqpBroker.Server.Connections;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Hosting;

/// <summary>The TLS listeners: AMQPS and, when asked for, HTTPS for the admin API, with the certificate of <see cref="TlsCertificates"/>.</summary>
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

    private static void ListenWithTls(KestrelServerOptions kestrel, BrokerOptions options, Broker broker, ILoggerFactory loggers, TlsListenerParts parts, bool managementEnabled)
    {
        var tls = options.Tls;
        var handler = new AmqpConnectionHandler(broker, loggers, TlsListeners.Login(tls));
        kestrel.Listen(IPAddress.Parse(options.Bind), tls.Port, listener =>
        {
            listener.Use(next => connection => ServeWithinSocketLimitAsync(broker.Resources.Descriptors, parts.Sockets, next, connection));
            listener.UseHttps(TlsListeners.HttpsOptions(tls, parts.Certificates));
            listener.Run(handler.OnConnectedAsync);
            parts.Listeners.Amqps = listener;
        });
        if (managementEnabled && tls.ManagementPort != TlsOptions.Disabled)
        {
            kestrel.Listen(IPAddress.Parse(options.Bind), tls.ManagementPort, listener =>
            {
                listener.Protocols = HttpProtocols.Http1;
                listener.UseHttps(TlsListeners.HttpsOptions(tls, parts.Certificates));
                parts.Listeners.ManagementTls = listener;
            });
        }
    }

    /// <summary>What the TLS listeners share with the plaintext ones: the socket accounting and the bound listeners.</summary>
    private sealed record TlsListenerParts(TlsCertificates Certificates, OpenSockets Sockets, Listeners Listeners);
}
