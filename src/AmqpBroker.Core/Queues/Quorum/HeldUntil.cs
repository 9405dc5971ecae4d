using AmqpBroker.Core.Scheduling;

namespace AmqpBroker.Core.Queues.Quorum;

/// <summary>
/// Messages a quorum queue holds outside its ready list until a time of the broker's clock: returns waiting out a
/// delayed retry, dead letters waiting for their next try. Neither ready nor unacked, they count in the queue's
/// messages and against its length limit (<see cref="Tally"/>). A timer of the broker's calls back when the earliest is
/// due; <see cref="TakeDue"/> gives them in the order they became due (ties in message order). Its own lock: the queue
/// hands messages over outside its lock.
/// </summary>
/// <param name="timers">The broker's timers.</param>
/// <param name="due">What the timer calls when messages are due: the queue calls <see cref="TakeDue"/>.</param>
/// <param name="entryOf">The message an item holds.</param>
internal sealed class HeldUntil<T>(BrokerTimers timers, Action due, Func<T, QueueEntry> entryOf)
{
    private readonly Lock _lock = new();
    private readonly PriorityQueue<T, (long DueAtMs, long Sequence)> _held = new();
    private readonly TimerTask _timer = timers.Create(_ => due());

    /// <summary>Count and bytes of the messages held (the queue's length limit counts them).</summary>
    public ReadyTally Tally { get; } = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _held.Count;
            }
        }
    }

    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return Tally.Bytes;
            }
        }
    }

    /// <summary>Holds <paramref name="item"/> for <paramref name="delayMs"/>.</summary>
    public void Hold(T item, long delayMs)
    {
        var dueAt = timers.NowMs + delayMs;
        var entry = entryOf(item);
        lock (_lock)
        {
            _held.Enqueue(item, (dueAt, entry.Sequence));
            Tally.Add(entry);
        }

        _timer.RunNoLaterThan(dueAt);
    }

    /// <summary>The items whose time came, earliest first; the timer is set for the next one.</summary>
    public List<T> TakeDue()
    {
        var taken = new List<T>();
        var next = TimerTask.Never;
        var now = timers.NowMs;
        lock (_lock)
        {
            while (_held.TryPeek(out var item, out var key))
            {
                if (key.DueAtMs > now)
                {
                    next = key.DueAtMs;
                    break;
                }

                _held.Dequeue();
                Tally.Remove(entryOf(item));
                taken.Add(item);
            }
        }

        _timer.RunNoLaterThan(next);
        return taken;
    }

    /// <summary>Takes every item held (a purge, or the queue's deletion after <see cref="Stop"/>).</summary>
    public List<T> TakeAll()
    {
        lock (_lock)
        {
            var all = new List<T>(_held.Count);
            while (_held.TryDequeue(out var item, out _))
            {
                Tally.Remove(entryOf(item));
                all.Add(item);
            }

            return all;
        }
    }

    /// <summary>The queue was deleted: no more timer runs.</summary>
    public void Stop() => _timer.Cancel();
}
