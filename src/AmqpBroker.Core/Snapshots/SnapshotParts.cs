using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Snapshots;

/// <summary>
/// A message held in a snapshot, with a reference of its own, and what it needs to be put back as it was:
/// how long it had left to live (or to wait, for a delayed message) when the snapshot was taken,
/// <see cref="QueueEntry.Never"/> if no limit, and its delivery history.
/// </summary>
internal readonly record struct SnapshotMessage(Message Message, long RemainingMs, bool Redelivered = false, int DeliveryCount = 0)
{
    /// <summary>The moment it is due when restored at <paramref name="nowMs"/>.</summary>
    public long DueAt(long nowMs) => RemainingMs == QueueEntry.Never ? QueueEntry.Never : nowMs + RemainingMs;

    /// <summary>How long something due at <paramref name="dueAt"/> has left at <paramref name="nowMs"/>.</summary>
    public static long Remaining(long dueAt, long nowMs) => dueAt == QueueEntry.Never ? QueueEntry.Never : Math.Max(0, dueAt - nowMs);
}

/// <summary>A queue as a snapshot holds it: its declaration and its ready messages in order.</summary>
internal sealed record QueueSnapshot(QueueDefinition Definition, IReadOnlyList<SnapshotMessage> Ready);

/// <summary>A message a delayed-message exchange was holding (with a reference of its own): how long it had left, and the delay it asked for.</summary>
internal readonly record struct HeldMessageSnapshot(Message Message, long RemainingMs, long DelayMs);

/// <summary>The messages a delayed-message exchange was holding.</summary>
internal sealed record DelayedSnapshot(string Exchange, IReadOnlyList<HeldMessageSnapshot> Held);

/// <summary>
/// One virtual host as a snapshot holds it: its metadata (default queue type, description, tags), its policies, the exchanges and queues clients declared (not the
/// predeclared <c>amq.*</c> ones, not exclusive queues, which die with their connection), the bindings between
/// them, and the messages in its queues and delayed-message exchanges.
/// </summary>
internal sealed record VirtualHostSnapshot(
    string Name,
    VirtualHosts.VirtualHostMetadata Metadata,
    IReadOnlyList<Policy> Policies,
    IReadOnlyList<ExchangeDefinition> Exchanges,
    IReadOnlyList<QueueSnapshot> Queues,
    IReadOnlyList<BindingDefinition> Bindings,
    IReadOnlyList<DelayedSnapshot> Delayed);
