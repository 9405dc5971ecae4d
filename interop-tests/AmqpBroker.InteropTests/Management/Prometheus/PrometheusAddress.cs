using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.Management.Prometheus;

/// <summary>
/// Where a broker's Prometheus metrics are: the test broker's own listener, or for RabbitMQ (<c>AMQP_URI</c>)
/// <c>PROMETHEUS_URI</c>, else rabbitmq_prometheus's port 15692 on the same host.
/// </summary>
internal static class PrometheusAddress
{
    public static Uri Of(BrokerHost? host, Uri amqpUri) =>
        host is not null
            ? host.PrometheusUri ?? throw new InvalidOperationException("the fixture's broker serves no Prometheus metrics")
            : Environment.GetEnvironmentVariable("PROMETHEUS_URI") is { Length: > 0 } uri ? new Uri(uri) : new Uri($"http://{amqpUri.Host}:15692/");

    /// <summary>A client without credentials (the plugin asks for none) for the metrics.</summary>
    public static HttpClient Client(BrokerHost? host, Uri amqpUri) => new() { BaseAddress = Of(host, amqpUri), Timeout = TimeSpan.FromSeconds(10) };
}
