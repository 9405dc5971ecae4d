using AmqpBroker.Core.Errors;
using AmqpBroker.Core.VirtualHosts;

namespace AmqpBroker.Core.Security;

/// <summary>
/// How many queues and exchanges may exist: a vhost's <c>max-queues</c>, and the broker-wide
/// <c>cluster_queue_limit</c> and <c>cluster_exchange_limit</c>. Checked under the vhost's topology lock when
/// something new would be created (redeclaring what exists is always allowed); the refusals are RabbitMQ's 406s.
/// </summary>
internal sealed class CreationLimits(BrokerSettings settings, Func<IEnumerable<VirtualHost>> virtualHosts, Func<string, IReadOnlyList<Limit>> virtualHostLimits)
{
    public static CreationLimits None { get; } = new(new BrokerSettings(), static () => [], static _ => []);

    public void CheckNewQueue(VirtualHost virtualHost, string name)
    {
        if (Limit.InForce(virtualHostLimits(virtualHost.Name), Limit.MaxQueues) is { } limit && virtualHost.QueueCount >= limit)
        {
            throw AmqpException.PreconditionFailed($"cannot declare queue '{name}': queue limit in vhost '{virtualHost.Name}' ({limit}) is reached");
        }

        if (settings.ClusterQueueLimit > 0 && virtualHosts().Sum(v => v.QueueCount) >= settings.ClusterQueueLimit)
        {
            throw AmqpException.PreconditionFailed($"cannot declare queue '{name}': queue limit in cluster ({settings.ClusterQueueLimit}) is reached");
        }
    }

    public void CheckNewExchange(VirtualHost virtualHost, string name)
    {
        if (settings.ClusterExchangeLimit > 0 && virtualHosts().Sum(v => v.ExchangeCount) >= settings.ClusterExchangeLimit)
        {
            throw AmqpException.PreconditionFailed($"cannot declare exchange '{name}' in vhost '{virtualHost.Name}': exchange limit of {settings.ClusterExchangeLimit} is reached");
        }
    }
}
