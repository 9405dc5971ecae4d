namespace AmqpBroker.Core.Scheduling;

/// <summary>
/// Something the broker does at a time: one per queue for its message TTL, one per queue for x-expires,
/// one per delayed-message exchange. <see cref="RunNoLaterThan"/> asks for a run by a deadline (a later
/// deadline than one pending changes nothing); the callback runs once per deadline reached and schedules
/// the next itself. <see cref="Cancel"/> stops it for good.
/// </summary>
internal sealed class TimerTask(BrokerTimers timers, Action<long> run)
{
    public const long Never = long.MaxValue;

    private long _dueMs = Never;

    /// <summary>When the task runs next (Unix milliseconds), or <see cref="Never"/>; written under the timers' lock.</summary>
    public long DueMs
    {
        get => Volatile.Read(ref _dueMs);
        set => Volatile.Write(ref _dueMs, value);
    }

    public bool IsCancelled { get; set; }

    /// <summary>
    /// Runs the task by <paramref name="dueMs"/> (Unix milliseconds). Free when a run at or before it is
    /// already pending, which is the common case on a queue's hot path.
    /// </summary>
    public void RunNoLaterThan(long dueMs)
    {
        if (dueMs < DueMs)
        {
            timers.Schedule(this, dueMs);
        }
    }

    public void Cancel() => timers.Cancel(this);

    internal void Run(long nowMs) => run(nowMs);
}
