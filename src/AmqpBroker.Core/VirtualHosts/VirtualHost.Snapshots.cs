using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Snapshots;
using AmqpBroker.Core.Storage;
using AmqpBroker.Core.Testing;

namespace AmqpBroker.Core.VirtualHosts;

/// <summary>
/// The virtual host as a test toolkit sees it: what it lost (<see cref="Leaks"/>), its topology and messages
/// copied into a snapshot, and a new virtual host filled from one.
/// </summary>
public sealed partial class VirtualHost
{
    /// <summary>Messages of this virtual host dead-lettered, dropped as unroutable or returned since it was created.</summary>
    public LeakCounters Leaks { get; } = new();

    /// <summary>
    /// Everything clients declared here, with the messages it holds: exchanges other than the default and
    /// <c>amq.*</c> ones, queues other than exclusive ones, the bindings between them (from <c>amq.*</c>
    /// exchanges too), ready messages and delayed ones.
    /// </summary>
    internal VirtualHostSnapshot Snapshot(long nowMs)
    {
        lock (_topology)
        {
            var exchanges = _exchanges.Values.Where(IsDeclared).ToList();
            var queues = _queues.Values.Where(q => !q.Definition.Exclusive).ToList();
            var bindings = _exchanges.Values.SelectMany(e => e.Bindings).Where(b => b.Destination is not Queue { Definition.Exclusive: true }).Select(b => DurableTopology.ToDefinition(Name, b)).ToList();
            return new VirtualHostSnapshot(
                Name,
                Metadata,
                [.. Policies],
                [.. exchanges.Select(e => e.Definition)],
                [.. queues.Select(q => new QueueSnapshot(q.Definition, q.SnapshotReady(nowMs)))],
                bindings,
                [.. exchanges.OfType<DelayedMessageExchange>().Select(e => new DelayedSnapshot(e.Name, e.SnapshotHeld(nowMs)))]);
        }
    }

    /// <summary>
    /// Fills this new virtual host from <paramref name="snapshot"/> (its policies are already in place), storing
    /// what is durable as a declare would; time limits count on from <paramref name="nowMs"/>.
    /// </summary>
    internal void Restore(VirtualHostSnapshot snapshot, long nowMs)
    {
        lock (_topology)
        {
            foreach (var definition in snapshot.Exchanges)
            {
                var exchange = CreateExchange(definition);
                Adopt(exchange);
                _durable.PutExchange(exchange);
            }

            foreach (var (definition, ready) in snapshot.Queues)
            {
                var queue = CreateQueue(definition, exclusiveOwner: null, out var recovered);
                queue.Recover(recovered);
                Adopt(queue);
                _durable.PutQueue(queue);
                queue.Restore(ready, nowMs);
            }

            // Unchecked, as recovery: a binding the snapshot's release accepted comes back on a stricter one.
            foreach (var binding in snapshot.Bindings)
            {
                if (RestoreBinding(binding) is { } restored)
                {
                    _durable.PutBinding(restored);
                }
            }

            foreach (var delayed in snapshot.Delayed)
            {
                (FindExchange(delayed.Exchange) as DelayedMessageExchange)?.RestoreHeld(delayed.Held, nowMs);
            }
        }
    }

    private static bool IsDeclared(Exchange exchange) =>
        exchange.Name.Length > 0 && !exchange.Name.StartsWith("amq.", StringComparison.Ordinal);
}
