namespace AmqpBroker.Core.Queues;

/// <summary>
/// A queue's messages delivered but not yet settled: how many, their bytes, and how many of them are persistent
/// (with their bytes). Deliveries count under the queue's lock, settles outside it, hence the interlocked
/// updates; persistent messages cost two more, on the path that logs them anyway.
/// </summary>
internal sealed class UnackedTally
{
    private int _count;
    private long _bytes;
    private int _persistent;
    private long _persistentBytes;

    public int Count => Volatile.Read(ref _count);

    public long Bytes => Volatile.Read(ref _bytes);

    public int Persistent => Volatile.Read(ref _persistent);

    public long PersistentBytes => Volatile.Read(ref _persistentBytes);

    public void Add(in QueueEntry entry, bool persistent) => Change(entry.Message.BodySize, persistent, 1);

    public void Remove(in QueueEntry entry, bool persistent) => Change(entry.Message.BodySize, persistent, -1);

    private void Change(int bodySize, bool persistent, int sign)
    {
        Interlocked.Add(ref _count, sign);
        Interlocked.Add(ref _bytes, sign * bodySize);
        if (persistent)
        {
            Interlocked.Add(ref _persistent, sign);
            Interlocked.Add(ref _persistentBytes, sign * bodySize);
        }
    }
}
