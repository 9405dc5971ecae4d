using AmqpBroker.Core.Snapshots;

namespace AmqpBroker.Core.Queues;

/// <summary>A queue's ready messages copied into a snapshot and put back from one.</summary>
public abstract partial class MessageQueue
{
    /// <summary>The ready messages in order (paged ones read back), each with a reference for the snapshot.</summary>
    internal override List<SnapshotMessage> SnapshotReady(long nowMs)
    {
        var entries = new List<QueueEntry>();
        lock (_lock)
        {
            _ready.CopyTo(entries);
        }

        return entries.ConvertAll(e => new SnapshotMessage(e.Message, SnapshotMessage.Remaining(e.ExpiresAt, nowMs), e.Redelivered, e.DeliveryCount));
    }

    /// <summary>
    /// Refills a new queue from a snapshot: the messages in their order, each with the time to live it had
    /// left, logged like arriving ones in a durable queue. Length limits are not applied again.
    /// </summary>
    internal override void Restore(IReadOnlyList<SnapshotMessage> messages, long nowMs)
    {
        lock (_lock)
        {
            foreach (var message in messages)
            {
                message.Message.AddReference();
                var entry = new QueueEntry(message.Message, _nextSequence++, message.Redelivered, message.DueAt(nowMs), message.DeliveryCount);
                _ready.Enqueue(entry, _durable?.Append(entry) ?? DurableEntries.NotLogged, Arguments.Lazy);
                _expiry.Watch(entry.ExpiresAt);
            }
        }
    }
}
