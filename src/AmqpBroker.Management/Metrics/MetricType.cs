namespace AmqpBroker.Management.Metrics;

/// <summary>A metric family's <c># TYPE</c> in Prometheus' text format, as far as the broker writes them.</summary>
internal enum MetricType
{
    Gauge,
    Counter,
    Untyped,
}
