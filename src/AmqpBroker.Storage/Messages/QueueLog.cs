using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Storage.Messages;

/// <summary>
/// A durable queue's <see cref="IQueueLog"/> over its <see cref="SegmentLog"/>: every record it buffers
/// makes it dirty for the group committer, which flushes or fsyncs it.
/// </summary>
internal sealed class QueueLog(SegmentLog log, GroupCommitter committer, int inMemoryLimit) : IQueueLog
{
    public int InMemoryLimit => inMemoryLimit;

    /// <summary>Whether the committer has this log in its current dirty list (guarded by the committer).</summary>
    public bool IsListedDirty { get; set; }

    public void Append(long id, Message message)
    {
        log.AppendPublish(id, message.Exchange, message.RoutingKey, message.Properties, message.Body);
        committer.MarkDirty(this);
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

    public Message Read(long id) =>
        log.Read(id) is { } stored
            ? Message.Create(stored.Exchange, stored.RoutingKey, stored.Properties, stored.Body)
            : throw new InvalidOperationException($"message {id} is not in the log: it was settled before it was read back");

    /// <summary>Hands buffered records to the OS; with <paramref name="durable"/> also waits for the disk (fsync).</summary>
    public void Flush(bool durable)
    {
        if (durable)
        {
            log.Sync();
        }
        else
        {
            log.Flush();
        }
    }

    public void Dispose() => log.Dispose();
}
