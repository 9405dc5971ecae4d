namespace AmqpBroker.Core.Security;

/// <summary>The resources permissions apply to; named as RabbitMQ names them in its refusals.</summary>
public enum ResourceKind
{
    Exchange,
    Queue,
}
