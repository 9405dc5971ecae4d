namespace AmqpBroker.Core.Queues;

/// <summary>
/// A queue's ready messages: one FIFO per priority level (a single level for a plain queue, 1 + x-max-priority
/// levels for a priority queue). Dequeue takes the highest non-empty level, so higher priorities go first
/// and order within a priority stays FIFO.
/// </summary>
internal sealed class ReadyStore
{
    private readonly ReadyMessages[] _levels;

    public ReadyStore(byte? maxPriority)
    {
        _levels = new ReadyMessages[(maxPriority ?? 0) + 1];
        for (var i = 0; i < _levels.Length; i++)
        {
            _levels[i] = new ReadyMessages();
        }
    }

    public int Count { get; private set; }

    public long Bytes { get; private set; }

    public void Enqueue(QueueEntry entry)
    {
        LevelOf(entry).Enqueue(entry);
        Count++;
        Bytes += entry.Message.BodySize;
    }

    public void Requeue(QueueEntry entry)
    {
        LevelOf(entry).Requeue(entry);
        Count++;
        Bytes += entry.Message.BodySize;
    }

    public bool TryDequeue(out QueueEntry entry)
    {
        for (var level = _levels.Length - 1; level >= 0; level--)
        {
            if (_levels[level].TryDequeue(out entry))
            {
                Count--;
                Bytes -= entry.Message.BodySize;
                return true;
            }
        }

        entry = default;
        return false;
    }

    /// <summary>Moves every expired entry to <paramref name="expired"/>; <paramref name="headOnly"/> stops at the first live one per level.</summary>
    public void RemoveExpired(long nowMs, bool headOnly, List<QueueEntry> expired)
    {
        foreach (var level in _levels)
        {
            var before = expired.Count;
            level.RemoveExpired(nowMs, headOnly, expired);
            for (var i = before; i < expired.Count; i++)
            {
                Count--;
                Bytes -= expired[i].Message.BodySize;
            }
        }
    }

    public int Clear(Action<QueueEntry> onRemoved)
    {
        var removed = 0;
        foreach (var level in _levels)
        {
            removed += level.Clear(onRemoved);
        }

        Count = 0;
        Bytes = 0;
        return removed;
    }

    private ReadyMessages LevelOf(QueueEntry entry) => _levels[Math.Min(entry.Message.Summary.Priority, _levels.Length - 1)];
}
