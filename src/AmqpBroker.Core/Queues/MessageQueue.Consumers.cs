using AmqpBroker.Core.DeadLettering;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Sessions;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// The queue's consumers and delivery to them: highest priority first, round-robin among equals (or one
/// single active consumer), each while it has credit; exclusive consumers; auto-delete when the last goes.
/// </summary>
public abstract partial class MessageQueue
{
    public override int ConsumerCount
    {
        get
        {
            lock (_lock)
            {
                return _consumers.Count;
            }
        }
    }

    public override Consumer? ActiveConsumer
    {
        get
        {
            lock (_lock)
            {
                return Arguments.SingleActiveConsumer ? _consumers.First : null;
            }
        }
    }

    public override void AddConsumer(Consumer consumer)
    {
        lock (_lock)
        {
            if (IsDeleted)
            {
                throw AmqpException.NotFound($"no queue '{Name}' in vhost '{Definition.VirtualHost}'");
            }

            Ownership.CheckConsumer(consumer, _consumers);
            _consumers.Add(consumer);
            _hadConsumer = true;
        }

        MarkUsed();
    }

    public override void RemoveConsumer(Consumer consumer)
    {
        bool lastGone;
        lock (_lock)
        {
            if (!_consumers.Remove(consumer))
            {
                return;
            }

            lastGone = _consumers.Count == 0 && _hadConsumer && Definition.AutoDelete && !IsDeleted;
            _credit.OnShrunk(_ready.Count, _consumers.Count);
        }

        MarkUsed();
        if (lastGone)
        {
            _autoDelete(this);
        }
        else
        {
            // With a single active consumer, the next one may just have become active.
            Drain();
        }
    }

    public override void Drain()
    {
        List<QueueEntry>? expired = null;
        lock (_lock)
        {
            var blocked = false;
            while (_consumers.Count > 0 && TryDequeueLive(ref expired, out var entry))
            {
                if (!TryDeliverLocked(entry, isNew: false))
                {
                    _ready.Requeue(entry);
                    blocked = true;
                    break;
                }
            }

            // Drain runs when a consumer may have gained credit: with nothing left to refuse it, consumers can take messages again.
            if (!blocked && !_use.IsActive && _consumers.Count > 0)
            {
                _use.Become(active: true, _expiry.NowMs);
            }
        }

        DeadLetter(expired, DeadLetterReason.Expired);
    }

    /// <summary>
    /// Hands <paramref name="entry"/> to a consumer with credit. A new entry delivered at once to a no-ack
    /// consumer never touches the log; one that must be acked is logged as delivered.
    /// </summary>
    private bool TryDeliverLocked(QueueEntry entry, bool isNew)
    {
        var consumer = _consumers.Deliver(entry);
        if (consumer is null)
        {
            if (_use.IsActive)
            {
                _use.Become(active: false, _expiry.NowMs);
            }

            return false;
        }

        if (!_use.IsActive)
        {
            _use.Become(active: true, _expiry.NowMs);
        }

        _credit.OnDelivered(_ready.Count);

        if (consumer.NoAck)
        {
            if (!isNew)
            {
                _durable?.Settle(entry);
            }

            entry.Message.Release();
        }
        else
        {
            if (isNew)
            {
                _durable?.Append(entry);
            }

            _durable?.MarkDelivered(entry);
            OnUnacked(entry);
        }

        return true;
    }
}
