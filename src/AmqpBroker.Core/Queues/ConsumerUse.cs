namespace AmqpBroker.Core.Queues;

/// <summary>
/// RabbitMQ's consumer capacity (consumer utilisation): the share of recent time in which the queue could hand
/// a message to a consumer at once, as a moving average with a one-second half-life. The queue is active while
/// its deliveries succeed and inactive from a delivery that found every consumer out of credit until the next
/// one that succeeds; only those transitions read the clock. Guarded by the queue's lock.
/// </summary>
internal sealed class ConsumerUse
{
    private const double HalfLifeMs = 1000;

    private bool _active = true;
    private long _sinceMs = long.MinValue;
    private double _average = 1;

    public bool IsActive => _active;

    /// <summary>The queue's deliveries now succeed (true) or found no consumer with credit (false).</summary>
    public void Become(bool active, long nowMs)
    {
        if (_sinceMs != long.MinValue)
        {
            _average = Averaged(nowMs);
        }

        (_active, _sinceMs) = (active, nowMs);
    }

    /// <summary>The average up to <paramref name="nowMs"/>, the current state included.</summary>
    public double Capacity(long nowMs) => _sinceMs == long.MinValue ? 1 : Averaged(nowMs);

    private double Averaged(long nowMs)
    {
        var weight = Math.Pow(0.5, Math.Max(0, nowMs - _sinceMs) / HalfLifeMs);
        return ((_active ? 1 : 0) * (1 - weight)) + (_average * weight);
    }
}
