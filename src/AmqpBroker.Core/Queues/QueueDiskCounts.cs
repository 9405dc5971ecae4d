using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// A queue's log with the messages it wrote to it and read back from it counted (RabbitMQ's
/// <c>disk_writes</c> and <c>disk_reads</c> of a queue). The queue calls its log under its own lock, so plain
/// increments do; scrapes read them without it.
/// </summary>
internal sealed class QueueDiskCounts(IQueueLog log) : IQueueLog
{
    private long _reads;
    private long _writes;

    public long Reads => Volatile.Read(ref _reads);

    public long Writes => Volatile.Read(ref _writes);

    public int InMemoryLimit => log.InMemoryLimit;

    public long NextId => log.NextId;

    public long Append(long id, Message message, long expiresAt)
    {
        Volatile.Write(ref _writes, _writes + 1);
        return log.Append(id, message, expiresAt);
    }

    public void MarkDelivered(long id) => log.MarkDelivered(id);

    public void Settle(long id) => log.Settle(id);

    public Message Read(long location)
    {
        Volatile.Write(ref _reads, _reads + 1);
        return log.Read(location);
    }

    /// <summary>The store owns the log and closes it; this view owns nothing.</summary>
    public void Dispose()
    {
    }
}
