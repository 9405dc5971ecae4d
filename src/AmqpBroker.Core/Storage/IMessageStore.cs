using AmqpBroker.Core.Messages;

namespace AmqpBroker.Core.Storage;

/// <summary>
/// Where the persistent messages of durable queues live between runs: one log per queue, and one
/// broker-wide sync that makes appended records durable for many waiters at once (group commit).
/// </summary>
public interface IMessageStore : IDisposable
{
    /// <summary>
    /// Opens the log of a durable queue, creating it when new, and returns what it still holds in publish
    /// order (an index: the queue reads back the messages it keeps in memory); null when this store keeps
    /// messages in memory only.
    /// </summary>
    IQueueLog? OpenQueue(string virtualHost, string queue, out IReadOnlyList<RecoveredEntry> recovered);

    /// <summary>
    /// Opens the log of a stream, creating it when new (with segments of <paramref name="segmentSize"/> bytes),
    /// holding whatever it held before a restart. A store that keeps nothing on disk keeps it in memory.
    /// </summary>
    IStreamLog OpenStream(string virtualHost, string stream, long segmentSize);

    /// <summary>
    /// A new, empty temporary file for the messages of a queue its log does not keep (see <see cref="ITransientPages"/>),
    /// or null when this store writes no files and such messages stay in memory (the memory watermark bounds them).
    /// </summary>
    ITransientPages? OpenTransientPages(string virtualHost, string queue) => null;

    /// <summary>Removes a deleted queue's (or stream's) log and gives its disk space back.</summary>
    void DeleteQueue(string virtualHost, string queue);

    /// <summary>
    /// Calls <paramref name="waiter"/> with <paramref name="token"/> once every record appended before this
    /// call is on disk, or tells it the sync failed (a write or fsync error). Waiters are called in the
    /// order they asked, from the store's sync thread.
    /// </summary>
    void WhenDurable(IDurabilityWaiter waiter, ulong token);

    /// <summary>The store's file and record operations since start (rabbitmq_prometheus's I/O families); none for a store that touches no disk.</summary>
    Statistics.StorageCounters? Counters => null;
}

/// <summary>One durable queue's log. The queue calls it under its own lock, so records arrive in queue order.</summary>
public interface IQueueLog : IDisposable
{
    /// <summary>Ready messages a queue keeps in memory; persistent ones arriving beyond that live only here until needed.</summary>
    int InMemoryLimit { get; }

    /// <summary>Above every id this log ever held: where a queue numbers its messages on from after a restart.</summary>
    long NextId { get; }

    /// <summary>
    /// A persistent message entered the queue as <paramref name="id"/> (ids only grow), expiring at
    /// <paramref name="expiresAt"/> (Unix milliseconds). Returns where the log keeps it, a non-negative
    /// number for <see cref="Read"/>.
    /// </summary>
    long Append(long id, Message message, long expiresAt);

    /// <summary>The message was handed to a consumer that must ack it: after a crash it comes back redelivered.</summary>
    void MarkDelivered(long id);

    /// <summary>The message left the queue for good (acked, dropped, expired, dead-lettered, purged).</summary>
    void Settle(long id);

    /// <summary>
    /// Reads back a message that is not yet settled from where <see cref="Append"/> put it. Throws
    /// <see cref="IOException"/> when its bytes cannot be read and <see cref="InvalidDataException"/> when they are
    /// not a message: the queue then skips it (see <see cref="Queues.UnreadableMessages"/>).
    /// </summary>
    Message Read(long location);
}

/// <summary>Something that waits for appended records to become durable, e.g. a channel holding confirms.</summary>
public interface IDurabilityWaiter
{
    /// <summary>Everything appended before the wait for <paramref name="token"/> began is on disk.</summary>
    void OnDurable(ulong token);

    /// <summary>The store could not make what was appended before the wait for <paramref name="token"/> durable (publisher confirms become basic.nack).</summary>
    void OnSyncFailed(ulong token);
}

/// <summary>
/// A message a queue's log still held at start: where it is, when it expires, what the queue orders and
/// counts it by, and whether it was delivered before (it comes back redelivered); in a stream's log, whether it
/// opens a chunk. Small (32 bytes), since a queue may recover millions and keeps most of them as no more than this.
/// </summary>
public readonly record struct RecoveredEntry(long Id, long Location, long ExpiresAt, int BodySize, byte Priority, bool HasOwnTtl, bool Delivered)
{
    /// <summary>In a stream's log: the message is the first of its chunk.</summary>
    public bool StartsChunk { get; init; }
}
