using System.Net;

namespace AmqpBroker.Management;

/// <summary>A bound listener the API reports (overview, port-listener and certificate health checks): its protocol and endpoint.</summary>
/// <param name="Protocol">RabbitMQ's protocol name: <c>amqp</c>, <c>amqp/ssl</c>, <c>http</c>, <c>https</c> or <c>http/prometheus</c>.</param>
/// <param name="EndPoint">The address and port it is bound to.</param>
/// <param name="CertFile">A TLS listener's certificate file (RabbitMQ's <c>certfile</c>).</param>
/// <param name="CaCertFile">A TLS listener's CA file (<c>cacertfile</c>), if any.</param>
public sealed record ManagementListener(string Protocol, IPEndPoint EndPoint, string? CertFile = null, string? CaCertFile = null)
{
    /// <summary>The protocol RabbitMQ reports for rabbitmq_prometheus's listener.</summary>
    public const string PrometheusProtocol = "http/prometheus";
}
