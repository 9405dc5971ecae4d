namespace AmqpBroker.Core.Queues;

/// <summary>
/// Where a queue's messages are and what they weigh, read at once for rabbitmq_prometheus's queue families:
/// ready and unacknowledged ones with their bytes, those its log keeps (persistent), those paged out to the log
/// only, the messages it wrote to and read back from its log, and the head's timestamp property (Unix seconds)
/// when the head is in memory and has one.
/// </summary>
public readonly record struct QueueFootprint(
    int Ready,
    long ReadyBytes,
    int Unacked,
    long UnackedBytes,
    int Persistent,
    long PersistentBytes,
    int PagedOut,
    long PagedOutBytes,
    long DiskReads,
    long DiskWrites,
    long? HeadTimestamp)
{
    /// <summary>Ready messages whose bytes are in memory.</summary>
    public int ReadyInMemory => Ready - PagedOut;

    /// <summary>Ready and unacknowledged messages in memory (an unacknowledged one is held until it is settled).</summary>
    public long InMemory => ReadyInMemory + (long)Unacked;

    public long InMemoryBytes => ReadyBytes - PagedOutBytes + UnackedBytes;

    /// <summary>A queue that counts only its ready and unacknowledged messages (a stream).</summary>
    public static QueueFootprint Counts(int ready, long readyBytes, int unacked) => new(ready, readyBytes, unacked, 0, 0, 0, 0, 0, 0, 0, null);
}
