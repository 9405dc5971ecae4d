namespace AmqpBroker.Management.Metrics;

/// <summary>The cluster-wide groups of /metrics/detailed: exchange_names, exchange_bindings and vhost_status.</summary>
internal static class ClusterFamilies
{
    public static void ExchangeNames(PrometheusText text, MetricScope scope, MetricSnapshot snapshot)
    {
        text.Family("rabbitmq_cluster_exchange_name", MetricType.Gauge, "Enumerates exchanges without any additional info. This value is cluster-wide.");
        foreach (var exchange in Exchanges(scope, snapshot))
        {
            text.Sample("rabbitmq_cluster_exchange_name", 1, Labels(exchange));
        }
    }

    public static void ExchangeBindings(PrometheusText text, MetricScope scope, MetricSnapshot snapshot)
    {
        text.Family("rabbitmq_cluster_exchange_bindings", MetricType.Gauge, "Number of bindings for an exchange. This value is cluster-wide.");
        foreach (var exchange in Exchanges(scope, snapshot))
        {
            text.Sample("rabbitmq_cluster_exchange_bindings", exchange.Bindings.Count, Labels(exchange));
        }
    }

    /// <summary>A vhost here has no process of its own that could stop: every vhost that exists runs.</summary>
    public static void VirtualHostStatus(PrometheusText text, MetricScope scope, MetricSnapshot snapshot)
    {
        text.Family("rabbitmq_cluster_vhost_status", MetricType.Gauge, "Whether a given vhost is running");
        foreach (var virtualHost in snapshot.Broker.VirtualHosts.Where(v => scope.Includes(v.Name)).OrderBy(v => v.Name, StringComparer.Ordinal))
        {
            text.Sample("rabbitmq_cluster_vhost_status", 1, ("vhost", virtualHost.Name));
        }
    }

    /// <summary>Named exchanges (the default exchange has no name to label), by vhost and name.</summary>
    private static IEnumerable<Core.Exchanges.Exchange> Exchanges(MetricScope scope, MetricSnapshot snapshot) =>
        snapshot.Broker.VirtualHosts.Where(v => scope.Includes(v.Name)).OrderBy(v => v.Name, StringComparer.Ordinal)
            .SelectMany(v => v.Exchanges.Where(e => e.Name.Length > 0).OrderBy(e => e.Name, StringComparer.Ordinal));

    private static (string, string)[] Labels(Core.Exchanges.Exchange exchange) =>
        [("vhost", exchange.Definition.VirtualHost), ("exchange", exchange.Name), ("type", exchange.Definition.Type)];
}
