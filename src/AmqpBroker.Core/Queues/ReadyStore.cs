using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// A queue's ready messages: one FIFO per priority level (<see cref="PriorityLevels"/>: a single level for a
/// plain queue, 1 + x-max-priority levels for a priority queue). Dequeue takes the highest non-empty level, so
/// higher priorities go first and order within a priority stays FIFO — or, with RabbitMQ 4.0's two weighted
/// levels, the older head every third time. Each level is an in-memory ring followed, once the queue holds
/// more than its in-memory limit (from the first message in a lazy queue, and while the node is short of
/// memory), by a <see cref="PagedTail"/> whose paged messages are in the queue's log (persistent ones of a
/// durable queue) or its temporary file (the others) only. Without either (the broker runs in memory) every
/// message stays in memory.
/// </summary>
internal sealed class ReadyStore
{
    /// <summary>Ready messages per level that stay in memory when the node is short of it: consumers start on them while the rest is read back.</summary>
    public const int KeptUnderPressure = 128;

    private readonly ReadyTally _tally;
    private readonly PriorityLevels _levels;
    private readonly ReadyMessages[] _inMemory;
    private readonly PagedTail?[] _tails;
    private readonly IQueueLog? _log;
    private readonly ITransientPages? _pages;
    private readonly UnreadableMessages? _unreadable;
    private readonly int _pageOutAt;
    private int _weightedCounter;

    /// <param name="levels">The priority levels.</param>
    /// <param name="log">The queue's log, whose in-memory limit pages messages out; null for a queue without one.</param>
    /// <param name="logsTransient">Whether the log keeps transient messages too (every message counts as persistent).</param>
    /// <param name="pages">The queue's temporary file for the messages the log does not keep; null when nothing is paged there.</param>
    /// <param name="unreadable">Told of a paged message that cannot be read back (which is then skipped); such a failure is thrown on when null.</param>
    public ReadyStore(PriorityLevels levels, IQueueLog? log, bool logsTransient = false, ITransientPages? pages = null, UnreadableMessages? unreadable = null)
    {
        _tally = new ReadyTally(logsTransient);
        _levels = levels;
        _inMemory = new ReadyMessages[levels.Count];
        for (var i = 0; i < _inMemory.Length; i++)
        {
            _inMemory[i] = new ReadyMessages(_tally);
        }

        _tails = new PagedTail?[_inMemory.Length];
        _log = log;
        _pages = pages;
        _unreadable = unreadable;
        _pageOutAt = log?.InMemoryLimit ?? pages?.InMemoryLimit ?? int.MaxValue;
    }

    public int Count => _tally.Count;

    public long Bytes => _tally.Bytes;

    /// <summary>The totals, persistent and paged-out ones included (read under the queue's lock).</summary>
    public ReadyTally Tally => _tally;

    /// <summary>The entry a consumer would get next if its bytes are in memory (RabbitMQ shows a head's timestamp only then); false otherwise.</summary>
    public bool TryPeekInMemoryHead(out QueueEntry entry)
    {
        for (var level = _inMemory.Length - 1; level >= 0; level--)
        {
            if (_inMemory[level].TryPeek(out entry))
            {
                return true;
            }

            if (_tails[level] is { Count: > 0 })
            {
                return false;
            }
        }

        entry = default;
        return false;
    }

    /// <summary>Whether some ready message carries its own expiration (read without the queue's lock).</summary>
    public bool AnyWithOwnTtl => _tally.AnyWithOwnTtl;

    /// <summary>
    /// Adds an arriving entry. <paramref name="location"/> is where the log keeps it (<see
    /// cref="DurableEntries.NotLogged"/> if nowhere): beyond the in-memory limit, always in a
    /// <paramref name="lazy"/> queue and while the node is short of memory, the entry is paged out, to the
    /// temporary file when the log does not have it.
    /// </summary>
    public void Enqueue(QueueEntry entry, long location, bool lazy = false)
    {
        var level = _levels.LevelOf(entry.Message.Summary);
        var tailLocation = PagesOut(lazy) ? PageLocation(entry, location, logged: false) : TailEntry.InMemory;
        if (tailLocation != TailEntry.InMemory || _tails[level] is { Count: > 0 })
        {
            TailOf(level).Add(entry, tailLocation);
        }
        else
        {
            _inMemory[level].Enqueue(entry);
        }
    }

    /// <summary>
    /// Refills the queue from its log at start: read back while under the in-memory limit, left in the log
    /// beyond it (and from the first in a <paramref name="lazy"/> queue).
    /// </summary>
    public void Recover(in RecoveredEntry recovered, bool lazy)
    {
        if (!lazy && Count < _pageOutAt && TryRead(recovered.Location) is { } message)
        {
            Enqueue(new QueueEntry(message, recovered.Id, recovered.Delivered, recovered.ExpiresAt, recovered.Delivered ? 1 : 0), DurableEntries.NotLogged);
            return;
        }

        TailOf(_levels.LevelOf(recovered.Priority)).AddRecovered(recovered);
    }

    /// <summary>Puts a delivered entry back in its place: always in memory, ahead of any paged tail (it came from there or before).</summary>
    public void Requeue(QueueEntry entry) => _inMemory[_levels.LevelOf(entry.Message.Summary)].Requeue(entry);

    public bool TryDequeue(out QueueEntry entry)
    {
        if (_levels.Weighted)
        {
            return TryDequeueWeighted(out entry);
        }

        for (var level = _inMemory.Length - 1; level >= 0; level--)
        {
            if (TryDequeue(level, out entry))
            {
                return true;
            }
        }

        entry = default;
        return false;
    }

    /// <summary>
    /// Moves every expired entry to <paramref name="expired"/>; <paramref name="headOnly"/> stops at the first
    /// live one per level. Paged-out ones are read back only with <paramref name="readBack"/>; otherwise just
    /// their sequence goes to <paramref name="unread"/>. Returns when the next removal is due: the earliest
    /// expiry among the new heads, or among everything left when not <paramref name="headOnly"/>.
    /// </summary>
    public long RemoveExpired(long nowMs, bool headOnly, bool readBack, List<QueueEntry> expired, List<long> unread)
    {
        var next = QueueEntry.Never;
        for (var level = 0; level < _inMemory.Length; level++)
        {
            next = Math.Min(next, _inMemory[level].RemoveExpired(nowMs, headOnly, expired));
            if (_tails[level] is { } tail && (!headOnly || _inMemory[level].Count == 0))
            {
                next = Math.Min(next, tail.RemoveExpired(nowMs, headOnly, readBack, expired, unread));
            }
        }

        return next;
    }

    /// <summary>
    /// Copies every entry to <paramref name="into"/>, level by level in order, reading paged ones back; each
    /// message carries a reference of its own for the caller.
    /// </summary>
    public void CopyTo(List<QueueEntry> into)
    {
        for (var level = _inMemory.Length - 1; level >= 0; level--)
        {
            _inMemory[level].CopyTo(into);
            _tails[level]?.CopyTo(into);
        }
    }

    /// <summary>Removes every entry without reading paged ones back; returns how many there were.</summary>
    public int Clear(Action<QueueEntry> onRemoved, Action<long> onPaged)
    {
        var removed = Count;
        for (var level = 0; level < _inMemory.Length; level++)
        {
            _inMemory[level].Clear(onRemoved);
            _tails[level]?.Clear(onRemoved, onPaged);
        }

        return removed;
    }

    /// <summary>
    /// The node is short of memory: each level's in-memory messages beyond the first <see cref="KeptUnderPressure"/>
    /// and those waiting in memory in its tail go to the temporary file (persistent ones of a durable queue too:
    /// the log still settles them), in their order. Returns the bytes paged.
    /// </summary>
    public long PageOut()
    {
        var paged = 0L;
        for (var level = 0; _pages is not null && level < _inMemory.Length; level++)
        {
            List<QueueEntry>? front = null;
            if (_inMemory[level].Count > KeptUnderPressure)
            {
                front = new List<QueueEntry>(_inMemory[level].Count - KeptUnderPressure);
                _inMemory[level].MoveBeyond(KeptUnderPressure, front);
            }

            if (front is not null || _tails[level] is { HasInMemory: true })
            {
                TailOf(level).PageOut(front, entry =>
                {
                    var location = PageLocation(entry, DurableEntries.NotLogged, logged: _log is not null && entry.Message.Summary.IsPersistent);
                    paged += location == TailEntry.InMemory ? 0 : entry.Message.Size;
                    return location;
                });
            }
        }

        return paged;
    }

    /// <summary>The queue is gone: its temporary file goes with it.</summary>
    public void DeletePages() => _pages?.Dispose();

    /// <summary>
    /// A recovered message read back from the log; null when that fails, and it stays paged: it is read again when
    /// it leaves the queue, where a second failure is told to the queue's <see cref="UnreadableMessages"/>.
    /// </summary>
    private Message? TryRead(long location)
    {
        try
        {
            return _log!.Read(location);
        }
        catch (Exception ex) when (_unreadable is not null && UnreadableMessages.IsReadFailure(ex))
        {
            return null;
        }
    }

    private PagedTail TailOf(int level) => _tails[level] ??= new PagedTail(_log, _pages, _tally, _unreadable);

    private bool PagesOut(bool lazy) =>
        (_log is not null || _pages is not null) && (lazy || Count >= _pageOutAt || (_pages?.UnderMemoryPressure ?? false));

    /// <summary>
    /// Where a paged-out entry is kept: at <paramref name="logLocation"/> when the log can read it back from there,
    /// else in the temporary file (<paramref name="logged"/>: the log holds it all the same); in memory when neither can.
    /// </summary>
    private long PageLocation(in QueueEntry entry, long logLocation, bool logged)
    {
        if (logLocation != DurableEntries.NotLogged)
        {
            return logLocation;
        }

        var page = _pages?.Append(entry.Message) ?? ITransientPages.NotPaged;
        return page == ITransientPages.NotPaged ? TailEntry.InMemory : TailEntry.TransientLocation(page, logged);
    }

    private bool TryDequeue(int level, out QueueEntry entry) =>
        _inMemory[level].TryDequeue(out entry) || (_tails[level]?.TryDequeue(out entry) ?? false);

    /// <summary>
    /// rabbit_fifo_q's out/1 (v4.0.1): the high level first, except that on every third dequeue, with both
    /// levels non-empty, the older of the two heads goes.
    /// </summary>
    private bool TryDequeueWeighted(out QueueEntry entry)
    {
        var olderFirst = _weightedCounter == PriorityLevels.WeightedTurn
            && TryPeekSequence(0, out var normal) && TryPeekSequence(1, out var high) && normal < high;
        var found = olderFirst ? TryDequeue(0, out entry) : TryDequeue(1, out entry) || TryDequeue(0, out entry);
        if (found)
        {
            _weightedCounter = _weightedCounter == PriorityLevels.WeightedTurn ? 0 : _weightedCounter + 1;
        }

        return found;
    }

    private bool TryPeekSequence(int level, out long sequence)
    {
        if (_inMemory[level].TryPeekSequence(out sequence))
        {
            return true;
        }

        sequence = 0;
        return _tails[level]?.TryPeekSequence(out sequence) ?? false;
    }
}
