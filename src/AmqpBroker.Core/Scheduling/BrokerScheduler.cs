using System.Collections.Concurrent;

namespace AmqpBroker.Core.Scheduling;

/// <summary>
/// The broker's periodic loop: a single timer that calls every registered task on each tick (connection
/// heartbeats and deadlines, rate sampling), instead of a timer per connection. Work due at an exact time
/// (message TTL, x-expires, delayed messages) runs off <see cref="BrokerTimers"/> instead. The timer comes from
/// the broker's <see cref="TimeProvider"/>, so tests move it; a clock moved by an hour fires every tick it
/// skipped at the same instant, and only the first of those runs the tasks.
/// </summary>
public sealed class BrokerScheduler : IDisposable
{
    private readonly ConcurrentDictionary<Registration, byte> _tasks = new();
    private readonly ITimer _timer;
    private long _lastTickTicks = long.MinValue;

    public BrokerScheduler(TimeProvider time, TimeSpan tick)
    {
        Time = time;
        _timer = time.CreateTimer(_ => Tick(), null, tick, tick);
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

    private void Tick()
    {
        var now = Time.GetUtcNow();
        if (Interlocked.Exchange(ref _lastTickTicks, now.UtcTicks) == now.UtcTicks)
        {
            return;
        }

        foreach (var task in _tasks.Keys)
        {
            task.OnTick(now);
        }
    }

    private sealed class Registration(BrokerScheduler owner, Action<DateTimeOffset> onTick) : IDisposable
    {
        public Action<DateTimeOffset> OnTick { get; } = onTick;

        public void Dispose() => owner._tasks.TryRemove(this, out _);
    }
}
