using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Storage.Messages;

/// <summary>
/// A durable queue's <see cref="IQueueLog"/> over its <see cref="SegmentLog"/>: every record it buffers
/// makes it dirty for the group committer, which flushes or fsyncs it. Each of those writes is a turn of a
/// stream's writer (<see cref="IStreamWriterTurns"/>): it ends the chunk being filled.
/// </summary>
internal sealed class QueueLog(SegmentLog log, GroupCommitter committer, int inMemoryLimit) : IQueueLog, IStreamWriterTurns
{
    private long _writes;

    public int InMemoryLimit => inMemoryLimit;

    public long NextId => log.NextId;

    /// <summary>Whether the committer has this log in its current dirty list (guarded by the committer).</summary>
    public bool IsListedDirty { get; set; }

    public long Append(long id, Message message, long expiresAt)
    {
        var location = log.AppendPublish(id, message, expiresAt);
        committer.MarkDirty(this);
        return location;
    }

    /// <summary>Appends a stream's message (see <see cref="SegmentLog.AppendStreamEntry"/>).</summary>
    public long AppendStreamEntry(long offset, Message message, long timestamp, ref bool startsChunk)
    {
        var location = log.AppendStreamEntry(offset, message, timestamp, ref startsChunk);
        committer.MarkDirty(this);
        return location;
    }

    public void MarkDelivered(long id)
    {
        log.AppendDelivered(id);
        committer.MarkDirty(this);
    }

    public void Settle(long id)
    {
        log.AppendSettled(id);
        committer.MarkDirty(this);
    }

    public Message Read(long location) => log.Read(location);

    /// <summary>
    /// Hands buffered records to the OS; with <paramref name="durable"/> also waits for the disk (fsync).
    /// False when the log has failed, so what was appended to it is not (or no longer known to be) durable.
    /// </summary>
    public bool Flush(bool durable)
    {
        Interlocked.Increment(ref _writes);
        return durable ? log.Sync() : log.Flush();
    }

    /// <summary>The committer's writes of this log so far.</summary>
    long IStreamWriterTurns.Taken => Volatile.Read(ref _writes);

    /// <summary>Nothing to ask: the append that opened the chunk made the log dirty, so the committer writes it soon.</summary>
    void IStreamWriterTurns.Request()
    {
    }

    /// <summary>The queue was deleted: its files go, and nothing buffered needs writing.</summary>
    public void Close() => log.Close();

    public void Dispose() => log.Dispose();
}
