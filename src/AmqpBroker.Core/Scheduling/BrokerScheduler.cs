using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AmqpBroker.Core.Scheduling;

/// <summary>
/// The broker's periodic loop: a single timer that calls every registered task on each tick (connection
/// heartbeats and deadlines, rate sampling), instead of a timer per connection. Work due at an exact time
/// (message TTL, x-expires, delayed messages) runs off <see cref="BrokerTimers"/> instead. The timer comes from
/// the broker's <see cref="TimeProvider"/>, so tests move it. Each tick sets the timer for the next one
/// instead of the timer being periodic: a clock moved by a day then ticks once, not once for each of the
/// 345,600 ticks it skipped.
/// </summary>
public sealed class BrokerScheduler : IDisposable
{
    private readonly ConcurrentDictionary<Registration, byte> _tasks = new();
    private readonly ITimer _timer;
    private readonly TimeSpan _tick;
    private readonly ILogger _log;

    /// <param name="time">The broker's clock.</param>
    /// <param name="tick">How often the registered tasks run.</param>
    /// <param name="log">Where a task that throws is logged (<see cref="SchedulingLog"/>); nowhere when null.</param>
    public BrokerScheduler(TimeProvider time, TimeSpan tick, ILogger? log = null)
    {
        Time = time;
        _tick = tick;
        _log = log ?? NullLogger.Instance;
        _timer = time.CreateTimer(_ => Tick(), null, tick, Timeout.InfiniteTimeSpan);
    }

    public TimeProvider Time { get; }

    /// <summary>Runs <paramref name="onTick"/> on every tick until the returned handle is disposed.</summary>
    public IDisposable Register(Action<DateTimeOffset> onTick)
    {
        var registration = new Registration(this, onTick);
        _tasks.TryAdd(registration, 0);
        return registration;
    }

    public void Dispose() => _timer.Dispose();

    /// <summary>Runs every task; one that throws is logged and the others still run, and the next tick comes all the same.</summary>
    private void Tick()
    {
        var now = Time.GetUtcNow();
        foreach (var task in _tasks.Keys)
        {
            try
            {
                task.OnTick(now);
            }
            catch (Exception ex)
            {
                SchedulingLog.TimedWorkFailed(_log, "a periodic task (heartbeats, deadlines, rate sampling, memory)", ex);
            }
        }

        Rearm();
    }

    private void Rearm()
    {
        try
        {
            _timer.Change(_tick, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed during the tick: the broker is stopping.
        }
    }

    private sealed class Registration(BrokerScheduler owner, Action<DateTimeOffset> onTick) : IDisposable
    {
        public Action<DateTimeOffset> OnTick { get; } = onTick;

        public void Dispose() => owner._tasks.TryRemove(this, out _);
    }
}
