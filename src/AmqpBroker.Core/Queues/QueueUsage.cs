using AmqpBroker.Core.Scheduling;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// x-expires: when a queue was last used (a consumer added or removed, basic.get, a redeclare or passive
/// declare, a policy change), whether it has gone unused for longer than its limit, and the queue's timer
/// that checks at the moment it would. Marking use is lock-free (any thread) and does not touch the timer:
/// a check that finds a later use sets the timer again for that use's deadline.
/// </summary>
internal sealed class QueueUsage
{
    private readonly BrokerTimers _timers;
    private readonly TimerTask _timer;
    private long _lastUsedMs;

    /// <param name="timers">The broker's timers.</param>
    /// <param name="check">
    /// What the timer calls when the limit may have passed: the queue deletes itself when
    /// <see cref="IsUnusedFor"/> and it has no consumers, and otherwise calls <see cref="Watch"/> again.
    /// </param>
    public QueueUsage(BrokerTimers timers, Action check)
    {
        _timers = timers;
        _timer = timers.Create(_ => check());
        MarkUsed();
    }

    public void MarkUsed() => Volatile.Write(ref _lastUsedMs, _timers.NowMs);

    /// <summary>Whether no use was marked for <paramref name="expiresMs"/> milliseconds or more.</summary>
    public bool IsUnusedFor(long expiresMs) => _timers.NowMs - Volatile.Read(ref _lastUsedMs) >= expiresMs;

    /// <summary>
    /// Sets the timer for when the queue expires if unused from now on (<paramref name="expiresMs"/> after the
    /// last use; null: it does not expire). With <paramref name="inUse"/> (it has consumers) the countdown has
    /// not started, so the check comes a whole limit from now.
    /// </summary>
    public void Watch(long? expiresMs, bool inUse = false)
    {
        if (expiresMs is { } expires)
        {
            var from = inUse ? _timers.NowMs : Volatile.Read(ref _lastUsedMs);
            _timer.RunNoLaterThan(from + expires);
        }
    }

    /// <summary>The queue is gone: its timer stops.</summary>
    public void Stop() => _timer.Cancel();
}
