namespace AmqpBroker.Core.Policies;

/// <summary>What a policy applies to: RabbitMQ's <c>apply-to</c> values <c>all</c>, <c>queues</c>, <c>exchanges</c>.</summary>
public enum PolicyApplyTo
{
    All,
    Queues,
    Exchanges,
}
