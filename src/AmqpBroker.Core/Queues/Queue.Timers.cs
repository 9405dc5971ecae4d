using AmqpBroker.Core.DeadLettering;

namespace AmqpBroker.Core.Queues;

/// <summary>What the queue's timers do when they come due: message TTL (<see cref="MessageExpiry"/>) and x-expires (<see cref="QueueUsage"/>).</summary>
public sealed partial class Queue
{
    /// <summary>Removes expired messages without waiting for a consumer (the queue's expiry timer calls this).</summary>
    internal void ExpireMessages()
    {
        if (!_expiry.CanExpire(Arguments))
        {
            return;
        }

        List<QueueEntry>? expired = null;
        lock (_lock)
        {
            _expiry.Sweep(Arguments, ref expired);
        }

        DeadLetter(expired, DeadLetterReason.Expired);
    }

    /// <summary>x-expires: unused (no consumers, no get, no redeclare) for longer than the limit.</summary>
    private bool HasExpiredUnused() =>
        Arguments.Expires is { } expires && ConsumerCount == 0 && _usage.IsUnusedFor(expires);

    /// <summary>The x-expires timer: the virtual host deletes a queue unused past its limit; otherwise the timer is set again.</summary>
    private void CheckUnused()
    {
        if (HasExpiredUnused())
        {
            _unused(this);
        }
        else
        {
            _usage.Watch(Arguments.Expires, inUse: ConsumerCount > 0);
        }
    }
}
