using AmqpBroker.Management;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace AmqpBroker.Hosting;

/// <summary>The listeners Kestrel bound; their endpoints carry the real ports once the host has started.</summary>
internal sealed class BrokerListeners
{
    public ListenOptions? Amqp { get; set; }

    public ListenOptions? Management { get; set; }

    public ListenOptions? Amqps { get; set; }

    public ListenOptions? ManagementTls { get; set; }

    public ListenOptions? Prometheus { get; set; }

    public TlsOptions Tls { get; init; } = new();

    public List<ManagementListener> Bound()
    {
        List<ManagementListener> bound = [];
        if (Amqp?.IPEndPoint is { } amqp)
        {
            bound.Add(new ManagementListener("amqp", amqp));
        }

        if (Management?.IPEndPoint is { } management)
        {
            bound.Add(new ManagementListener("http", management));
        }

        if (Amqps?.IPEndPoint is { } amqps)
        {
            bound.Add(new ManagementListener("amqp/ssl", amqps, Tls.CertFile, Tls.CaCertFile));
        }

        if (ManagementTls?.IPEndPoint is { } https)
        {
            bound.Add(new ManagementListener("https", https, Tls.CertFile, Tls.CaCertFile));
        }

        if (Prometheus?.IPEndPoint is { } prometheus)
        {
            bound.Add(new ManagementListener(ManagementListener.PrometheusProtocol, prometheus));
        }

        return bound;
    }
}
