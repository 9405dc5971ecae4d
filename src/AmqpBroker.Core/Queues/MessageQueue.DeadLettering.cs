using AmqpBroker.Core.DeadLettering;

namespace AmqpBroker.Core.Queues;

/// <summary>What the queue gives up (expired, over a drop-head limit, rejected, over the delivery limit) on its way to the dead-letter sink.</summary>
public abstract partial class MessageQueue
{
    /// <summary>Removes expired messages without waiting for a consumer (the expiry timer calls this).</summary>
    private void ExpireMessages()
    {
        if (_expiry.CanExpire(Arguments))
        {
            RemoveAndDeadLetter(Arguments, DeadLetterReason.Expired);
        }
    }

    /// <summary>
    /// Removes, under the lock, the ready messages <paramref name="reason"/> takes away (past their TTL, or heads
    /// over a drop-head length limit), then dead-letters them outside it.
    /// </summary>
    private void RemoveAndDeadLetter(QueueArguments arguments, DeadLetterReason reason)
    {
        List<QueueEntry>? removed = null;
        lock (_lock)
        {
            if (reason == DeadLetterReason.Expired)
            {
                _expiry.Sweep(arguments, ref removed);
            }
            else
            {
                LengthLimit.DropHeadsOverLimit(arguments, ref removed);
            }

            _credit.OnShrunk(_ready.Count, _consumers.Count);
        }

        DeadLetter(removed, reason);
    }

    /// <summary>Hands what the queue gave up on (<paramref name="stored"/>: after it was logged) to <see cref="HandOver"/>.</summary>
    private void DeadLetter(List<QueueEntry>? entries, DeadLetterReason reason, bool stored = true)
    {
        if (entries is { Count: > 0 })
        {
            HandOver(entries, reason, stored);
        }
    }

    /// <summary>Gives entries up to the dead-letter sink (at most once), settling them in the log first when they were stored.</summary>
    private protected virtual void HandOver(List<QueueEntry> entries, DeadLetterReason reason, bool stored)
    {
        if (stored && _durable is not null)
        {
            lock (_lock)
            {
                foreach (var entry in entries)
                {
                    _durable.Settle(entry);
                }
            }
        }

        _deadLetters.DeadLetter(this, entries, reason);
    }

    /// <summary>An entry given up for good outside the sink (delivered at least once): settled in the log when stored, and let go of.</summary>
    private protected void SettleGivenUp(in QueueEntry entry, bool stored)
    {
        if (stored && _durable is not null)
        {
            lock (_lock)
            {
                _durable.Settle(entry);
            }
        }

        entry.Message.Release();
    }
}
