using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Queues;

/// <summary>The queue's footprint for the metrics, and the unacknowledged tally kept for it.</summary>
public abstract partial class MessageQueue
{
    public override QueueFootprint Footprint
    {
        get
        {
            int ready, readyPersistent, paged;
            long readyBytes, readyPersistentBytes, pagedBytes;
            long? head = null;
            lock (_lock)
            {
                var tally = _ready.Tally;
                (ready, readyBytes, paged, pagedBytes) = (tally.Count, tally.Bytes, tally.PagedOut, tally.PagedOutBytes);
                (readyPersistent, readyPersistentBytes) = _durable is null ? (0, 0L) : (tally.Persistent, tally.PersistentBytes);
                if (_ready.TryPeekInMemoryHead(out var first))
                {
                    head = BasicProperties.Decode(first.Message.Properties).Timestamp?.UnixSeconds;
                }
            }

            return new QueueFootprint(
                ready, readyBytes, _unacked.Count, _unacked.Bytes,
                readyPersistent + _unacked.Persistent, readyPersistentBytes + _unacked.PersistentBytes,
                paged, pagedBytes, _disk?.Reads ?? 0, _disk?.Writes ?? 0, head);
        }
    }

    /// <summary>RabbitMQ's consumer capacity: the recent share of time consumers could take messages at once; 0 without consumers.</summary>
    public override double ConsumerCapacity
    {
        get
        {
            lock (_lock)
            {
                return _consumers.Count == 0 ? 0 : _use.Capacity(_expiry.NowMs);
            }
        }
    }

    /// <summary>A delivery that must be settled: counted as unacknowledged, persistent when the log keeps it.</summary>
    private void OnUnacked(in QueueEntry entry) => _unacked.Add(entry, _durable?.Holds(entry) ?? false);

    private void OnSettledOrReturned(in QueueEntry entry) => _unacked.Remove(entry, _durable?.Holds(entry) ?? false);
}
