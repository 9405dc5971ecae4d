using System.Net;

namespace AmqpBroker.Management;

/// <summary>A bound listener the API reports (overview, port-listener health check): its protocol and endpoint.</summary>
/// <param name="Protocol">RabbitMQ's protocol name: <c>amqp</c> or <c>http</c>.</param>
/// <param name="EndPoint">The address and port it is bound to.</param>
public sealed record ManagementListener(string Protocol, IPEndPoint EndPoint);
