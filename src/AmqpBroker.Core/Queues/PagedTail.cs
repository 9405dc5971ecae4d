using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// The back of one priority level of a queue that outgrew its in-memory limit (or paged under memory
/// pressure). From the first message paged out on, every message of that level joins here, in order, until
/// the tail drains: paged ones as a bare <see cref="TailEntry"/> (their bytes are in the queue's log, or for
/// messages the log does not keep in its temporary file, and are read back when they leave), the rest (those
/// that could not be paged, or any once the queue is back under its limit) in memory beside them. Three FIFOs
/// in step: the entries, the in-memory messages, and the expiries of paged messages that have one. A message
/// read back from the temporary file is released there at once: from then on the queue holds it in memory.
/// One that cannot be read back is skipped and told to <paramref name="unreadable"/> (thrown on without one).
/// </summary>
internal sealed class PagedTail(IQueueLog? log, ITransientPages? pages, ReadyTally tally, UnreadableMessages? unreadable)
{
    private BlockQueue<TailEntry> _entries = new();
    private Queue<QueueEntry> _inMemory = new();
    private BlockQueue<PagedExpiry> _expiries = new();

    public int Count => _entries.Count;

    /// <summary>Whether some entry waits here in memory.</summary>
    public bool HasInMemory => _inMemory.Count > 0;

    /// <summary>
    /// Adds <paramref name="entry"/>: paged out when <paramref name="location"/> says where the log (or the
    /// temporary file, <see cref="TailEntry.TransientLocation"/>) has it, which gives up the queue's reference to
    /// the bytes; kept in memory when it is <see cref="TailEntry.InMemory"/>.
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

    /// <summary>
    /// Pages out what waits here in memory, and puts <paramref name="front"/> (entries that came before every
    /// entry here) in front, each where <paramref name="locate"/> says (see <see cref="Add"/>). Rebuilds the
    /// tail, so it is for paging under memory pressure, not for the message path.
    /// </summary>
    public void PageOut(List<QueueEntry>? front, Func<QueueEntry, long> locate)
    {
        var (entriesBehind, inMemoryBehind, expiriesBehind) = (_entries, _inMemory, _expiries);
        (_entries, _inMemory, _expiries) = (new(), new(), new());
        foreach (var entry in front ?? [])
        {
            Add(entry, locate(entry));
        }

        while (entriesBehind.Count > 0)
        {
            var behind = entriesBehind.Dequeue();
            if (behind.IsInMemory)
            {
                var kept = inMemoryBehind.Dequeue();
                tally.Remove(kept);
                Add(kept, locate(kept));
                continue;
            }

            _entries.Enqueue(behind);
            if (behind.Expires)
            {
                _expiries.Enqueue(expiriesBehind.Dequeue());
            }
        }
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

    /// <summary>Takes the first entry, reading it back from the log if it was paged out; skips those that cannot be read back.</summary>
    public bool TryDequeue(out QueueEntry entry)
    {
        while (_entries.Count > 0)
        {
            var first = Take(out var kept, out var expiry);
            if (first.IsInMemory)
            {
                entry = kept;
                return true;
            }

            if (TryReadBack(first, expiry, out entry))
            {
                return true;
            }
        }

        entry = default;
        return false;
    }

    /// <summary>
    /// Removes expired entries (from the front only, or from anywhere). Paged ones are read back into
    /// <paramref name="expired"/> when <paramref name="readBack"/> (a dead-letter exchange wants them);
    /// otherwise only the sequence of logged ones goes to <paramref name="unread"/>, for settling in the log
    /// (those of the temporary file are released there).
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
            else if (TryReadBack(entry, entry.Expires && expiries.MoveNext() ? expiries.Current : PagedExpiry.Never, out var copy, release: false))
            {
                into.Add(copy);
            }
        }
    }

    /// <summary>
    /// Removes every entry without reading any back: in-memory ones go to <paramref name="onRemoved"/>, the
    /// sequence of logged ones to <paramref name="onPaged"/>; those of the temporary file are released there.
    /// </summary>
    public void Clear(Action<QueueEntry> onRemoved, Action<long> onPaged)
    {
        while (_entries.Count > 0)
        {
            var first = Take(out var kept, out _);
            if (first.IsInMemory)
            {
                onRemoved(kept);
                continue;
            }

            ReleasePage(first);
            if (first.IsLogged)
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
            if (TryReadBack(first, expiry, out var read))
            {
                removed.Add(read);
            }
        }
        else
        {
            ReleasePage(first);
            if (first.IsLogged)
            {
                unread.Add(first.Sequence);
            }
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
        tally.Remove(first.BodySize, expiry.OwnTtl, persistent: first.IsLogged);
        tally.OnPagedIn(first.BodySize);
        return first;
    }

    /// <summary>Gives up the temporary file's copy of a paged entry, if it has one.</summary>
    private void ReleasePage(TailEntry paged)
    {
        if (paged.IsTransient)
        {
            pages!.Release(paged.PageLocation);
        }
    }

    /// <summary>
    /// The paged entry's message read back; from the temporary file it is <paramref name="release"/>d there at
    /// once unless only copied. False, after telling <see cref="UnreadableMessages"/>, when the store cannot give it back.
    /// </summary>
    private bool TryReadBack(TailEntry paged, PagedExpiry expiry, out QueueEntry entry, bool release = true)
    {
        try
        {
            var message = paged.IsTransient ? pages!.Read(paged.PageLocation) : log!.Read(paged.Location);
            entry = new(message, paged.Sequence, paged.Redelivered, expiry.ExpiresAt, paged.Redelivered ? 1 : 0);
            return true;
        }
        catch (Exception ex) when (unreadable is not null && UnreadableMessages.IsReadFailure(ex))
        {
            unreadable.Report(removed: release, paged.IsLogged, ex);
            entry = default;
            return false;
        }
        finally
        {
            if (release)
            {
                ReleasePage(paged);
            }
        }
    }
}
