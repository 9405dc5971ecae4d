using System.Collections.Concurrent;

namespace AmqpBroker.Core.Scheduling;

/// <summary>
/// The broker's one clock-driven loop: a single timer that calls every registered task on each tick
/// (connection heartbeats and deadlines, message TTL expiry, x-expires queue deletion), instead of a timer
/// per connection or message. The timer comes from the broker's <see cref="TimeProvider"/>, so tests move it.
/// </summary>
public sealed class BrokerScheduler : IDisposable
{
    private readonly ConcurrentDictionary<Registration, byte> _tasks = new();
    private readonly ITimer _timer;

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
