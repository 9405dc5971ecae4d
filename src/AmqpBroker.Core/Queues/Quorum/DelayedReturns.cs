using AmqpBroker.Core.Scheduling;

namespace AmqpBroker.Core.Queues.Quorum;

/// <summary>
/// The returned messages a quorum queue with delayed retry holds back until their time (rabbit_fifo's
/// <c>delayed</c> tree at v4.3.0): neither ready nor unacked, but counted in the queue's messages and against its
/// length limit. A timer of the broker's hands the due ones back, in the order they became due. Its own lock:
/// the queue returns messages outside its lock.
/// </summary>
internal sealed class DelayedReturns
{
    private readonly Lock _lock = new();
    private readonly PriorityQueue<QueueEntry, (long ReadyAtMs, long Sequence)> _held = new();
    private readonly BrokerTimers _timers;
    private readonly TimerTask _timer;

    /// <param name="timers">The broker's timers.</param>
    /// <param name="due">What the timer calls when messages are due: the queue calls <see cref="TakeDue"/>.</param>
    public DelayedReturns(BrokerTimers timers, Action due)
    {
        _timers = timers;
        _timer = timers.Create(_ => due());
    }

    /// <summary>Count and bytes of the messages held back (the queue's length limit counts them).</summary>
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

    /// <summary>Holds <paramref name="entry"/> back for <paramref name="delayMs"/>.</summary>
    public void Hold(QueueEntry entry, long delayMs)
    {
        var readyAt = _timers.NowMs + delayMs;
        lock (_lock)
        {
            _held.Enqueue(entry, (readyAt, entry.Sequence));
            Tally.Add(entry);
        }

        _timer.RunNoLaterThan(readyAt);
    }

    /// <summary>The messages whose time came, earliest first; the timer is set for the next one.</summary>
    public List<QueueEntry> TakeDue()
    {
        var due = new List<QueueEntry>();
        var next = TimerTask.Never;
        var now = _timers.NowMs;
        lock (_lock)
        {
            while (_held.TryPeek(out var entry, out var key))
            {
                if (key.ReadyAtMs > now)
                {
                    next = key.ReadyAtMs;
                    break;
                }

                _held.Dequeue();
                Tally.Remove(entry);
                due.Add(entry);
            }
        }

        _timer.RunNoLaterThan(next);
        return due;
    }

    /// <summary>Takes every message held back (a purge, or the queue's deletion after <see cref="Stop"/>).</summary>
    public List<QueueEntry> TakeAll()
    {
        lock (_lock)
        {
            var all = new List<QueueEntry>(_held.Count);
            while (_held.TryDequeue(out var entry, out _))
            {
                Tally.Remove(entry);
                all.Add(entry);
            }

            return all;
        }
    }

    /// <summary>The queue was deleted: no more timer runs.</summary>
    public void Stop() => _timer.Cancel();
}
