using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Storage;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Core.VirtualHosts;

/// <summary>
/// Recreates a virtual host's stored durable definitions at start, without writing them back: its
/// exchanges, then its queues (each refilled from its message log), then the bindings between them. A
/// binding whose ends are missing is skipped: the store deletes bindings with their ends, so only a damaged
/// file has one. Bindings come back as stored, without the exchange type's checks (as RabbitMQ recovers them), so
/// one that another release accepted survives a restart as a release that refuses it. Called under the virtual
/// host's topology lock.
/// </summary>
internal static class TopologyRecovery
{
    public static void Restore(VirtualHost host, StoredDefinitions stored, ILogger log)
    {
        var exchanges = 0;
        foreach (var definition in stored.Exchanges.Where(e => e.VirtualHost == host.Name && host.FindExchange(e.Name) is null))
        {
            host.Adopt(host.CreateExchange(definition));
            exchanges++;
        }

        var queues = 0;
        var messages = 0L;
        foreach (var definition in stored.Queues.Where(q => q.VirtualHost == host.Name))
        {
            var queue = host.CreateQueue(definition, exclusiveOwner: null, out var recovered);
            queue.Recover(recovered);
            host.Adopt(queue);
            queues++;
            messages += recovered.Count;
        }

        var bindings = 0;
        foreach (var binding in stored.Bindings.Where(b => b.VirtualHost == host.Name))
        {
            if (host.RestoreBinding(binding) is not null)
            {
                bindings++;
            }
        }

        if (exchanges + queues + bindings > 0)
        {
            VirtualHostLog.TopologyRecovered(log, host.Name, exchanges, queues, messages, bindings);
        }
    }
}
