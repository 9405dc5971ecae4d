using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AmqpBroker.Core.Scheduling;

/// <summary>
/// The broker's deadlines (message TTL, x-expires, delayed messages): a min-heap of due times served by one
/// timer from the broker's <see cref="TimeProvider"/>, always armed for the earliest. Each
/// <see cref="TimerTask"/> runs on time, not on the next tick of a sweep, and runs on the timer's thread: with
/// a <c>FakeTimeProvider</c> that is inside <c>Advance</c>, so what the task does (expire, dead-letter,
/// release) is done when <c>Advance</c> returns. A task is scheduled again by its own callback; moving it
/// earlier pushes a second heap entry and the later one is skipped when it comes up, so scheduling never
/// searches the heap.
/// </summary>
internal sealed class BrokerTimers : IDisposable
{
    /// <summary>Stale heap entries (cancelled or superseded) tolerated before the heap is rebuilt without them.</summary>
    private const int StaleEntriesBeforeCompaction = 256;

    /// <summary>The longest wait <see cref="ITimer.Change"/> accepts.</summary>
    private const long MaxWaitMs = 0xFFFFFFFE;

    private readonly Lock _lock = new();
    private readonly PriorityQueue<TimerTask, long> _heap = new();
    private readonly ITimer _timer;
    private readonly ILogger _log;
    private long _armedFor = TimerTask.Never;
    private int _stale;
    private bool _running;
    private bool _disposed;

    /// <param name="time">The broker's clock.</param>
    /// <param name="log">Where a task that throws is logged (<see cref="SchedulingLog"/>); nowhere when null.</param>
    public BrokerTimers(TimeProvider time, ILogger? log = null)
    {
        Time = time;
        _log = log ?? NullLogger.Instance;
        _timer = time.CreateTimer(static state => ((BrokerTimers)state!).RunDue(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public TimeProvider Time { get; }

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Deadlines waiting, for tests and diagnostics.</summary>
    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return _heap.Count - _stale;
            }
        }
    }

    /// <summary>A task that calls <paramref name="run"/> with the time (Unix milliseconds) whenever a deadline it was given comes.</summary>
    public TimerTask Create(Action<long> run) => new(this, run);

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _heap.Clear();
        }

        _timer.Dispose();
    }

    /// <summary>Makes <paramref name="task"/> run no later than <paramref name="dueMs"/>.</summary>
    internal void Schedule(TimerTask task, long dueMs)
    {
        lock (_lock)
        {
            if (_disposed || task.IsCancelled || dueMs >= task.DueMs)
            {
                return;
            }

            if (task.DueMs != TimerTask.Never)
            {
                _stale++;
            }

            task.DueMs = dueMs;
            _heap.Enqueue(task, dueMs);
            if (!_running && dueMs < _armedFor)
            {
                ArmLocked(dueMs);
            }
        }
    }

    internal void Cancel(TimerTask task)
    {
        lock (_lock)
        {
            task.IsCancelled = true;
            if (task.DueMs != TimerTask.Never)
            {
                task.DueMs = TimerTask.Never;
                _stale++;
                CompactIfStaleLocked();
            }
        }
    }

    /// <summary>
    /// Runs every task that is due, in order of due time, one at a time and outside the lock, then arms the timer
    /// for the next. A task that throws is logged and the others still run: the exception would end the process.
    /// </summary>
    private void RunDue()
    {
        lock (_lock)
        {
            if (_running)
            {
                return;
            }

            _running = true;
            _armedFor = TimerTask.Never;
        }

        while (TakeDue() is { } task)
        {
            try
            {
                task.Run(NowMs);
            }
            catch (Exception ex)
            {
                SchedulingLog.TimedWorkFailed(_log, "a deadline's work (message TTL, x-expires or a delayed message)", ex);
            }
        }
    }

    /// <summary>The next due task, or null after arming the timer for the earliest one still waiting.</summary>
    private TimerTask? TakeDue()
    {
        var now = NowMs;
        lock (_lock)
        {
            while (_heap.TryPeek(out var task, out var dueMs))
            {
                if (dueMs != task.DueMs)
                {
                    _heap.Dequeue();
                    _stale--;
                    continue;
                }

                if (dueMs > now)
                {
                    ArmLocked(dueMs);
                    break;
                }

                _heap.Dequeue();
                task.DueMs = TimerTask.Never;
                return task;
            }

            _running = false;
            return null;
        }
    }

    /// <summary>
    /// At least a millisecond ahead: a timer that is due at once would run its callback inside
    /// <c>Change</c> under a fake clock, with this lock held.
    /// </summary>
    private void ArmLocked(long dueMs)
    {
        if (_disposed)
        {
            return;
        }

        // A timer waits at most 0xFFFFFFFE ms (about 49.7 days): one due later wakes then, finds nothing due and re-arms.
        _armedFor = dueMs;
        _timer.Change(TimeSpan.FromMilliseconds(Math.Clamp(dueMs - NowMs, 1, MaxWaitMs)), Timeout.InfiniteTimeSpan);
    }

    /// <summary>Cancelled tasks far in the future would otherwise stay in the heap (and keep what they reference) until their time.</summary>
    private void CompactIfStaleLocked()
    {
        if (_stale < StaleEntriesBeforeCompaction || _stale * 2 < _heap.Count)
        {
            return;
        }

        var live = new List<(TimerTask, long)>(_heap.Count - _stale);
        foreach (var (task, dueMs) in _heap.UnorderedItems)
        {
            if (dueMs == task.DueMs)
            {
                live.Add((task, dueMs));
            }
        }

        _heap.Clear();
        _heap.EnqueueRange(live);
        _stale = 0;
    }
}
