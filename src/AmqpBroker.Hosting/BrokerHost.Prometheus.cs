using System.Net;

namespace AmqpBroker.Hosting;

/// <summary>The Prometheus listener: rabbitmq_prometheus's metrics on a port of their own, as RabbitMQ serves them on 15692.</summary>
public sealed partial class BrokerHost
{
    /// <summary>
    /// The bound Prometheus endpoint (the real port when <see cref="BrokerOptions.PrometheusPort"/> was 0), or
    /// null when metrics are not served.
    /// </summary>
    public IPEndPoint? PrometheusEndPoint => _listeners.Prometheus?.IPEndPoint;

    /// <summary>An <c>http://</c> URI of the Prometheus listener reachable from this machine (scrape <c>metrics</c> under it), or null.</summary>
    public Uri? PrometheusUri => PrometheusEndPoint is { } endPoint ? new Uri($"http://{Reachable(endPoint)}/") : null;
}
