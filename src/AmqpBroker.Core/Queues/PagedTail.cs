using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// The back of one priority level of a durable queue that outgrew its in-memory limit. From the first
/// message paged out on, every message of that level joins here, in order, until the tail drains: paged
/// ones as a bare <see cref="TailEntry"/> (their bytes are in the log and are read back when they leave),
/// the rest (transient ones, or persistent ones once the queue is back under its limit) in memory beside
/// them, in the same order.
/// </summary>
internal sealed class PagedTail(IQueueLog log, ReadyTally tally)
{
    private readonly Queue<TailEntry> _entries = new();
    private readonly Queue<QueueEntry> _inMemory = new();

    public int Count => _entries.Count;

    /// <summary>
    /// Adds <paramref name="entry"/>: paged out when <paramref name="location"/> says where the log has it,
    /// which gives up the queue's reference to the bytes; kept in memory when it is <see cref="TailEntry.InMemory"/>.
    /// </summary>
    public void Add(QueueEntry entry, long location)
    {
        _entries.Enqueue(TailEntry.Of(entry, location));
        tally.Add(entry);
        if (location == TailEntry.InMemory)
        {
            _inMemory.Enqueue(entry);
        }
        else
        {
            entry.Message.Release();
        }
    }

    /// <summary>Adds a message that is in the log only (recovered at start).</summary>
    public void AddPaged(TailEntry entry)
    {
        _entries.Enqueue(entry);
        tally.Add(entry.BodySize, entry.HasOwnTtl);
    }

    /// <summary>Takes the first entry, reading it back from the log if it was paged out.</summary>
    public bool TryDequeue(out QueueEntry entry)
    {
        if (_entries.Count == 0)
        {
            entry = default;
            return false;
        }

        var first = Take(out var kept);
        entry = first.IsInMemory ? kept : ReadBack(first);
        return true;
    }

    /// <summary>
    /// Removes expired entries (from the front only, or from anywhere). Paged ones are read back into
    /// <paramref name="expired"/> when <paramref name="readBack"/> (a dead-letter exchange wants them);
    /// otherwise only their sequence goes to <paramref name="unread"/>, for settling in the log.
    /// </summary>
    public void RemoveExpired(long nowMs, bool headOnly, bool readBack, List<QueueEntry> expired, List<long> unread)
    {
        if (headOnly)
        {
            while (_entries.TryPeek(out var first) && first.IsExpired(nowMs))
            {
                RemoveFirst(readBack, expired, unread);
            }

            return;
        }

        // One full rotation: expired entries leave, the others go round to the back in their order.
        for (var remaining = _entries.Count; remaining > 0; remaining--)
        {
            var first = _entries.Peek();
            if (first.IsExpired(nowMs))
            {
                RemoveFirst(readBack, expired, unread);
                continue;
            }

            _entries.Enqueue(_entries.Dequeue());
            if (first.IsInMemory)
            {
                _inMemory.Enqueue(_inMemory.Dequeue());
            }
        }
    }

    /// <summary>Removes every entry without reading any back: in-memory ones go to <paramref name="onRemoved"/>, the sequence of paged ones to <paramref name="onPaged"/>.</summary>
    public void Clear(Action<QueueEntry> onRemoved, Action<long> onPaged)
    {
        while (_entries.Count > 0)
        {
            var first = Take(out var kept);
            if (first.IsInMemory)
            {
                onRemoved(kept);
            }
            else
            {
                onPaged(first.Sequence);
            }
        }
    }

    private void RemoveFirst(bool readBack, List<QueueEntry> removed, List<long> unread)
    {
        var first = Take(out var kept);
        if (first.IsInMemory)
        {
            removed.Add(kept);
        }
        else if (readBack)
        {
            removed.Add(ReadBack(first));
        }
        else
        {
            unread.Add(first.Sequence);
        }
    }

    /// <summary>Removes the first entry; one kept in memory comes with its queue entry in <paramref name="kept"/>.</summary>
    private TailEntry Take(out QueueEntry kept)
    {
        var first = _entries.Dequeue();
        tally.Remove(first.BodySize, first.HasOwnTtl);
        kept = first.IsInMemory ? _inMemory.Dequeue() : default;
        return first;
    }

    private QueueEntry ReadBack(TailEntry paged) =>
        new(log.Read(paged.Location), paged.Sequence, paged.Redelivered, paged.ExpiresAt, paged.Redelivered ? 1 : 0);
}
