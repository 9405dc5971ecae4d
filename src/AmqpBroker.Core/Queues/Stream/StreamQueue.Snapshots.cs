using AmqpBroker.Core.Snapshots;

namespace AmqpBroker.Core.Queues.Stream;

/// <summary>A stream in the test toolkit's snapshots and faults: its messages are the whole log, read from the oldest held.</summary>
public sealed partial class StreamQueue
{
    /// <summary>Every message the stream holds, in offset order, each with a reference for the snapshot (a stream's messages never expire).</summary>
    internal override List<SnapshotMessage> SnapshotReady(long nowMs)
    {
        var messages = new List<SnapshotMessage>();
        lock (_lock)
        {
            var cursor = _log.Seek(0);
            while (_log.TryRead(ref cursor, out var record))
            {
                messages.Add(new SnapshotMessage(record.Message, QueueEntry.Never));
            }
        }

        return messages;
    }

    /// <summary>Appends the snapshot's messages as new ones (offsets and append times start afresh).</summary>
    internal override void Restore(IReadOnlyList<SnapshotMessage> messages, long nowMs)
    {
        lock (_lock)
        {
            foreach (var message in messages)
            {
                _log.Append(message.Message, _time);
            }
        }
    }

    /// <summary>Cancels every consumer from the broker's side (basic.cancel); the stream and its messages stay.</summary>
    internal override int CancelConsumersFromBroker()
    {
        StreamSubscription[] subscriptions;
        lock (_lock)
        {
            subscriptions = TakeSubscriptionsLocked();
        }

        Cancel(subscriptions);
        return subscriptions.Length;
    }
}
