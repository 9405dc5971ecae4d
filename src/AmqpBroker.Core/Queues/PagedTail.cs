using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// The back of one priority level of a durable queue that outgrew its in-memory limit. From the first
/// message paged out on, every message of that level joins here, in order, until the tail drains: paged
/// ones as a bare <see cref="TailEntry"/> (their bytes are in the log and are read back when they leave),
/// the rest (transient ones, or persistent ones once the queue is back under its limit) in memory beside
/// them. Three FIFOs in step: the entries, the in-memory messages, and the expiries of paged messages that
/// have one.
/// </summary>
internal sealed class PagedTail(IQueueLog log, ReadyTally tally)
{
    private readonly BlockQueue<TailEntry> _entries = new();
    private readonly Queue<QueueEntry> _inMemory = new();
    private readonly BlockQueue<PagedExpiry> _expiries = new();

    public int Count => _entries.Count;

    /// <summary>
    /// Adds <paramref name="entry"/>: paged out when <paramref name="location"/> says where the log has it,
    /// which gives up the queue's reference to the bytes; kept in memory when it is <see cref="TailEntry.InMemory"/>.
    /// </summary>
    public void Add(QueueEntry entry, long location)
    {
        tally.Add(entry);
        if (location == TailEntry.InMemory)
        {
            _entries.Enqueue(TailEntry.KeptInMemory);
            _inMemory.Enqueue(entry);
            return;
        }

        AddPaged(entry.Sequence, location, entry.Message.BodySize, entry.Redelivered, new PagedExpiry(entry.ExpiresAt, ReadyTally.HasOwnTtl(entry)));
        entry.Message.Release();
    }

    /// <summary>Adds a message that is in the log only (recovered at start).</summary>
    public void AddRecovered(in RecoveredEntry recovered)
    {
        tally.Add(recovered.BodySize, recovered.HasOwnTtl);
        AddPaged(recovered.Id, recovered.Location, recovered.BodySize, recovered.Delivered, new PagedExpiry(recovered.ExpiresAt, recovered.HasOwnTtl));
    }

    /// <summary>The sequence of the first entry, without taking it.</summary>
    public bool TryPeekSequence(out long sequence)
    {
        sequence = !_entries.TryPeek(out var first) ? 0 : first.IsInMemory ? _inMemory.Peek().Sequence : first.Sequence;
        return _entries.Count > 0;
    }

    /// <summary>Takes the first entry, reading it back from the log if it was paged out.</summary>
    public bool TryDequeue(out QueueEntry entry)
    {
        if (_entries.Count == 0)
        {
            entry = default;
            return false;
        }

        var first = Take(out var kept, out var expiry);
        entry = first.IsInMemory ? kept : ReadBack(first, expiry);
        return true;
    }

    /// <summary>
    /// Removes expired entries (from the front only, or from anywhere). Paged ones are read back into
    /// <paramref name="expired"/> when <paramref name="readBack"/> (a dead-letter exchange wants them);
    /// otherwise only their sequence goes to <paramref name="unread"/>, for settling in the log.
    /// </summary>
    /// <returns>When the next of the entries it looked at expires: the new first one, or the earliest of all that stay.</returns>
    public long RemoveExpired(long nowMs, bool headOnly, bool readBack, List<QueueEntry> expired, List<long> unread)
    {
        if (headOnly)
        {
            while (_entries.Count > 0 && FirstExpiresAt() <= nowMs)
            {
                RemoveFirst(readBack, expired, unread);
            }

            return _entries.Count > 0 ? FirstExpiresAt() : QueueEntry.Never;
        }

        // One full rotation: expired entries leave, the others go round to the back in their order.
        var earliest = QueueEntry.Never;
        for (var remaining = _entries.Count; remaining > 0; remaining--)
        {
            var expiresAt = FirstExpiresAt();
            if (expiresAt <= nowMs)
            {
                RemoveFirst(readBack, expired, unread);
                continue;
            }

            earliest = Math.Min(earliest, expiresAt);

            var first = _entries.Dequeue();
            _entries.Enqueue(first);
            if (first.IsInMemory)
            {
                _inMemory.Enqueue(_inMemory.Dequeue());
            }
            else if (first.Expires)
            {
                _expiries.Enqueue(_expiries.Dequeue());
            }
        }

        return earliest;
    }

    /// <summary>
    /// Copies every entry, in order, to <paramref name="into"/>, reading paged ones back; each message carries
    /// a reference of its own for the caller.
    /// </summary>
    public void CopyTo(List<QueueEntry> into)
    {
        using var kept = _inMemory.GetEnumerator();
        using var expiries = _expiries.Items().GetEnumerator();
        foreach (var entry in _entries.Items())
        {
            if (entry.IsInMemory)
            {
                kept.MoveNext();
                kept.Current.Message.AddReference();
                into.Add(kept.Current);
            }
            else
            {
                into.Add(ReadBack(entry, entry.Expires && expiries.MoveNext() ? expiries.Current : PagedExpiry.Never));
            }
        }
    }

    /// <summary>Removes every entry without reading any back: in-memory ones go to <paramref name="onRemoved"/>, the sequence of paged ones to <paramref name="onPaged"/>.</summary>
    public void Clear(Action<QueueEntry> onRemoved, Action<long> onPaged)
    {
        while (_entries.Count > 0)
        {
            var first = Take(out var kept, out _);
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

    private void AddPaged(long sequence, long location, int bodySize, bool redelivered, PagedExpiry expiry)
    {
        var expires = expiry.ExpiresAt != QueueEntry.Never;
        _entries.Enqueue(new TailEntry(sequence, location, bodySize, redelivered, expires));
        tally.OnPagedOut(bodySize);
        if (expires)
        {
            _expiries.Enqueue(expiry);
        }
    }

    private long FirstExpiresAt()
    {
        var first = _entries.Peek();
        return first.IsInMemory ? _inMemory.Peek().ExpiresAt
            : first.Expires ? _expiries.Peek().ExpiresAt
            : QueueEntry.Never;
    }

    private void RemoveFirst(bool readBack, List<QueueEntry> removed, List<long> unread)
    {
        var first = Take(out var kept, out var expiry);
        if (first.IsInMemory)
        {
            removed.Add(kept);
        }
        else if (readBack)
        {
            removed.Add(ReadBack(first, expiry));
        }
        else
        {
            unread.Add(first.Sequence);
        }
    }

    /// <summary>Removes the first entry with what waits beside it: its queue entry if kept in memory, its expiry if paged.</summary>
    private TailEntry Take(out QueueEntry kept, out PagedExpiry expiry)
    {
        var first = _entries.Dequeue();
        if (first.IsInMemory)
        {
            kept = _inMemory.Dequeue();
            expiry = PagedExpiry.Never;
            tally.Remove(kept);
            return first;
        }

        kept = default;
        expiry = first.Expires ? _expiries.Dequeue() : PagedExpiry.Never;
        tally.Remove(first.BodySize, expiry.OwnTtl);
        tally.OnPagedIn(first.BodySize);
        return first;
    }

    private QueueEntry ReadBack(TailEntry paged, PagedExpiry expiry) =>
        new(log.Read(paged.Location), paged.Sequence, paged.Redelivered, expiry.ExpiresAt, paged.Redelivered ? 1 : 0);
}
