using AmqpBroker.Core.Errors;
using AmqpBroker.Core.VirtualHosts;

namespace AmqpBroker.Server.Connections;

/// <summary>
/// Ours, not RabbitMQ's: how many queues and exchanges one connection may have created and not yet deleted
/// (settings <c>MaxQueuesPerConnection</c>, <c>MaxExchangesPerConnection</c>; 0 is no limit), so that one client
/// cannot fill the broker without an operator's say. The names it created are remembered; when the limit is
/// reached, the ones deleted since (by anyone) are forgotten before it refuses. Used on the read loop only.
/// </summary>
internal sealed class ConnectionQuota(int maxQueues, int maxExchanges)
{
    private readonly HashSet<string> _queues = new(StringComparer.Ordinal);
    private readonly HashSet<string> _exchanges = new(StringComparer.Ordinal);

    /// <summary>Before a declare that would create queue <paramref name="name"/>: 406 when the connection's limit is reached.</summary>
    public void CheckNewQueue(VirtualHost virtualHost, string name)
    {
        if (IsFull(_queues, maxQueues, n => virtualHost.FindQueue(n) is not null))
        {
            throw AmqpException.PreconditionFailed($"cannot declare queue '{name}': queue limit per connection ({maxQueues}) is reached");
        }
    }

    public void CheckNewExchange(VirtualHost virtualHost, string name)
    {
        if (IsFull(_exchanges, maxExchanges, n => virtualHost.FindExchange(n) is not null))
        {
            throw AmqpException.PreconditionFailed($"cannot declare exchange '{name}' in vhost '{virtualHost.Name}': exchange limit per connection ({maxExchanges}) is reached");
        }
    }

    public void QueueCreated(string name) => Remember(_queues, maxQueues, name);

    public void ExchangeCreated(string name) => Remember(_exchanges, maxExchanges, name);

    private static void Remember(HashSet<string> names, int limit, string name)
    {
        if (limit > 0)
        {
            names.Add(name);
        }
    }

    private static bool IsFull(HashSet<string> names, int limit, Func<string, bool> stillExists)
    {
        if (limit <= 0 || names.Count < limit)
        {
            return false;
        }

        names.RemoveWhere(n => !stillExists(n));
        return names.Count >= limit;
    }
}
