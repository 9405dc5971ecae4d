namespace AmqpBroker.Core.Queues;

/// <summary>
/// A queue's messages delivered but not yet settled: how many, their bytes, and how many of them are persistent
/// (with their bytes). Deliveries count under the queue's lock, settles outside it, hence the interlocked
/// updates; persistent messages cost two more, on the path that logs them anyway.
/// </summary>
internal sealed class UnackedTally
{
    private CountAndBytes _all;
    private CountAndBytes _persistent;

    public int Count => _all.Count;

    public long Bytes => _all.Bytes;

    public int Persistent => _persistent.Count;

    public long PersistentBytes => _persistent.Bytes;

    public void Add(in QueueEntry entry, bool persistent) => Change(entry.Message.BodySize, persistent, 1);

    public void Remove(in QueueEntry entry, bool persistent) => Change(entry.Message.BodySize, persistent, -1);

    private void Change(int bodySize, bool persistent, int sign)
    {
        _all.Add(bodySize, sign);
        if (persistent)
        {
            _persistent.Add(bodySize, sign);
        }
    }

    /// <summary>How many messages and their body bytes, each updated with an interlocked add.</summary>
    private struct CountAndBytes
    {
        private int _count;
        private long _bytes;

        public int Count => Volatile.Read(ref _count);

        public long Bytes => Volatile.Read(ref _bytes);

        public void Add(int bodySize, int sign)
        {
            Interlocked.Add(ref _count, sign);
            Interlocked.Add(ref _bytes, sign * bodySize);
        }
    }
}
