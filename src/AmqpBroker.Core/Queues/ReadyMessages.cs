namespace AmqpBroker.Core.Queues;

/// <summary>
/// The ready messages of one priority level that the queue keeps in memory, in sequence order: a growable
/// ring buffer. Appends go to the back; requeued entries go back to their original position, which is
/// almost always at or near the front. A large ring that empties is given back, so that a drained backlog of
/// millions does not keep its array for the life of the queue.
/// </summary>
internal sealed class ReadyMessages(ReadyTally tally)
{
    private const int InitialCapacity = 16;

    /// <summary>Rings up to this size are kept when they empty (reallocating them each time would cost more than they hold).</summary>
    private const int KeptWhenEmpty = 4096;

    private QueueEntry[] _items = new QueueEntry[InitialCapacity];
    private int _head;
    private int _count;

    public int Count => _count;

    /// <summary>How many entries the ring holds before it grows.</summary>
    public int Capacity => _items.Length;

    public void Enqueue(QueueEntry entry)
    {
        EnsureCapacity();
        _items[(_head + _count) % _items.Length] = entry;
        _count++;
        tally.Add(entry);
    }

    public bool TryDequeue(out QueueEntry entry)
    {
        if (_count == 0)
        {
            entry = default;
            return false;
        }

        entry = _items[_head];
        _items[_head] = default;
        _head = (_head + 1) % _items.Length;
        _count--;
        tally.Remove(entry);
        if (_count == 0)
        {
            ReleaseIfLarge();
        }

        return true;
    }

    public bool TryPeek(out QueueEntry entry)
    {
        entry = _count > 0 ? this[0] : default;
        return _count > 0;
    }

    public bool TryPeekSequence(out long sequence)
    {
        sequence = _count > 0 ? this[0].Sequence : 0;
        return _count > 0;
    }

    /// <summary>Puts an entry back in sequence order (scanning from the front, where requeues land).</summary>
    public void Requeue(QueueEntry entry)
    {
        EnsureCapacity();
        var index = 0;
        while (index < _count && this[index].Sequence < entry.Sequence)
        {
            index++;
        }

        _head = (_head - 1 + _items.Length) % _items.Length;
        for (var i = 0; i < index; i++)
        {
            _items[(_head + i) % _items.Length] = _items[(_head + i + 1) % _items.Length];
        }

        _items[(_head + index) % _items.Length] = entry;
        _count++;
        tally.Add(entry);
    }

    /// <summary>
    /// Moves expired entries to <paramref name="expired"/>: only from the head, or from anywhere. Returns
    /// when the next of those it looked at expires: the new head's expiry, or the earliest of all that stay.
    /// </summary>
    public long RemoveExpired(long nowMs, bool headOnly, List<QueueEntry> expired)
    {
        if (headOnly)
        {
            while (_count > 0 && this[0].IsExpired(nowMs))
            {
                TryDequeue(out var entry);
                expired.Add(entry);
            }

            return _count > 0 ? this[0].ExpiresAt : QueueEntry.Never;
        }

        var kept = 0;
        var earliest = QueueEntry.Never;
        for (var i = 0; i < _count; i++)
        {
            var entry = this[i];
            if (entry.IsExpired(nowMs))
            {
                expired.Add(entry);
                tally.Remove(entry);
            }
            else
            {
                earliest = Math.Min(earliest, entry.ExpiresAt);
                _items[(_head + kept++) % _items.Length] = entry;
            }
        }

        for (var i = kept; i < _count; i++)
        {
            _items[(_head + i) % _items.Length] = default;
        }

        _count = kept;
        if (kept == 0)
        {
            ReleaseIfLarge();
        }

        return earliest;
    }

    /// <summary>Copies every entry, in order, to <paramref name="into"/>, each message with a reference of its own for the caller.</summary>
    public void CopyTo(List<QueueEntry> into)
    {
        for (var i = 0; i < _count; i++)
        {
            var entry = this[i];
            entry.Message.AddReference();
            into.Add(entry);
        }
    }

    /// <summary>Removes every entry, handing each to <paramref name="onRemoved"/>.</summary>
    public void Clear(Action<QueueEntry> onRemoved)
    {
        while (TryDequeue(out var entry))
        {
            onRemoved(entry);
        }
    }

    private QueueEntry this[int index] => _items[(_head + index) % _items.Length];

    private void ReleaseIfLarge()
    {
        if (_items.Length > KeptWhenEmpty)
        {
            _items = new QueueEntry[InitialCapacity];
            _head = 0;
        }
    }

    private void EnsureCapacity()
    {
        if (_count < _items.Length)
        {
            return;
        }

        var grown = new QueueEntry[_items.Length * 2];
        for (var i = 0; i < _count; i++)
        {
            grown[i] = this[i];
        }

        _items = grown;
        _head = 0;
    }
}
