using AmqpBroker.Core.DeadLettering;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Queues.Quorum;

/// <summary>
/// RabbitMQ's quorum queue on one node: a <see cref="MessageQueue"/> that logs every message (a transient one
/// as it was published, so it is delivered with its own delivery mode) and confirms only after the store synced
/// it; counts returns and gives a message up past its delivery limit, telling consumers the count in
/// <c>x-delivery-count</c> (<see cref="QuorumRedelivery"/>); orders by priority as its release does; expires
/// messages only at the head; refuses basic.get with a single active consumer; and with at-least-once
/// dead-lettering holds what it could not yet dead-letter (<see cref="PendingDeadLetters"/>); with 4.3's delayed
/// retry it holds returns back for a while (a <see cref="HeldUntil{T}"/>).
/// </summary>
public sealed class QuorumQueue : MessageQueue
{
    private readonly QuorumRedelivery _redelivery;
    private readonly PendingDeadLetters _pending;
    private readonly HeldUntil<QueueEntry> _delayed;
    private bool _rejectingPublishes;

    internal QuorumQueue(QueueDefinition definition, QueueArguments arguments, QueueContext context, IQueueLog? log)
        : base(definition, arguments, context, log, logsTransient: true, PriorityLevels.Quorum(context.Profile.QuorumPriorities), expireAtHeadOnly: true)
    {
        _redelivery = new QuorumRedelivery(context.Profile);
        _pending = new PendingDeadLetters(context.DeadLetters, context.Timers, RetryDeadLetters);
        _delayed = new HeldUntil<QueueEntry>(context.Timers, ReadmitDelayed, static entry => entry);
    }

    /// <summary>Messages given up with at-least-once dead-lettering that their DLX did not take yet (RabbitMQ's <c>messages_dlx</c>).</summary>
    public int DeadLetterPendingCount => _pending.Count;

    /// <summary>Their body bytes (RabbitMQ's <c>message_bytes_dlx</c>).</summary>
    public long DeadLetterPendingBytes => _pending.Bytes;

    /// <summary>Returns held back by delayed retry (RabbitMQ 4.3's <c>messages_delayed</c>).</summary>
    public int DelayedCount => _delayed.Count;

    /// <summary>Messages outside the ready ones that the length limit counts: pending dead letters and delayed returns.</summary>
    private HeldCounts Held => new(_pending.Tally.Count + _delayed.Tally.Count, _pending.Tally.Bytes + _delayed.Tally.Bytes);

    /// <summary>
    /// rabbit_fifo's reject-publish: an enqueue is taken while the queue is not blocked, and one that takes it
    /// past its limit (pending dead letters counted) blocks it; a blocked queue refuses publishes until it is back
    /// at 80% of the limit. drop-head is the shared rule. Called under the queue's lock.
    /// </summary>
    private protected override Admission Admit(QueueArguments arguments, Message message)
    {
        if (arguments.Overflow != OverflowBehaviour.RejectPublish)
        {
            return base.Admit(arguments, message);
        }

        if (_rejectingPublishes && LengthLimit.IsBelowSoftLimit(arguments, Held))
        {
            _rejectingPublishes = false;
        }

        if (_rejectingPublishes)
        {
            return Admission.Refuse;
        }

        _rejectingPublishes = LengthLimit.IsFullFor(arguments, message.BodySize, Held);
        return Admission.Accept;
    }

    /// <summary>basic.get: refused with a single active consumer (RabbitMQ's 405); the count header as the release adds it.</summary>
    public override bool TryTake(out QueueEntry entry, out uint remaining)
    {
        if (Arguments.SingleActiveConsumer)
        {
            throw AmqpException.ResourceLocked(
                $"cannot obtain access to locked {QueueArguments.Describe(Definition)}. basic.get operations are not supported by quorum queues with single active consumer");
        }

        if (!base.TryTake(out entry, out remaining))
        {
            return false;
        }

        entry = _redelivery.ForGet(entry);
        return true;
    }

    internal override bool NeedsSync(Message message) => true;

    /// <summary>rabbit_fifo counts only consumers and gets as activity for x-expires, not declarations.</summary>
    internal override void OnDeclaredAgain()
    {
    }

    private protected override bool TryRedeliver(QueueEntry entry, bool consumerGone, out QueueEntry redelivery) =>
        _redelivery.TryReturn(entry, consumerGone, Arguments.DeliveryLimit, out redelivery);

    /// <summary>
    /// Delayed retry: a return of the kind configured waits min(min × failed deliveries, max) before it is ready
    /// again (rabbit_fifo:return_one and should_delay0 at v4.3.0); the 0-9-1 requeues are plain returns, a
    /// consumer that went away with the message a failed delivery.
    /// </summary>
    private protected override bool TryHoldBack(in QueueEntry redelivery, bool consumerGone)
    {
        if (IsDeleted || Arguments.DelayedRetry is not { } retry || !retry.Applies(failed: consumerGone))
        {
            return false;
        }

        _delayed.Hold(redelivery, retry.DelayMs(redelivery.FailedDeliveries));
        return true;
    }

    /// <summary>The delayed returns' timer: the due ones become ready again and go to the consumers.</summary>
    private void ReadmitDelayed()
    {
        foreach (var entry in _delayed.TakeDue())
        {
            Readmit(entry);
        }

        Drain();
    }

    /// <summary>queue.purge takes the delayed returns too (rabbit_fifo's purge at v4.3.0 counts them).</summary>
    public override uint Purge()
    {
        var delayed = _delayed.TakeAll();
        foreach (var entry in delayed)
        {
            SettleGivenUp(entry, stored: true);
        }

        return base.Purge() + (uint)delayed.Count;
    }

    private protected override void HandOver(List<QueueEntry> entries, DeadLetterReason reason, bool stored)
    {
        if (!AtLeastOnce(Arguments))
        {
            base.HandOver(entries, reason, stored);
            return;
        }

        foreach (var entry in entries)
        {
            if (_pending.TryDeliver(this, entry, reason))
            {
                SettleGivenUp(entry, stored);
            }
        }
    }

    /// <summary>The pending dead letters' timer: retries those due and lets go of the ones now delivered everywhere.</summary>
    private void RetryDeadLetters()
    {
        foreach (var delivered in _pending.RetryDue(this))
        {
            SettleGivenUp(delivered, stored: true);
        }
    }

    internal override uint Delete()
    {
        _pending.Clear();
        _delayed.Stop();
        foreach (var entry in _delayed.TakeAll())
        {
            entry.Message.Release();
        }

        return base.Delete();
    }

    /// <summary>
    /// At-least-once applies only with a dead-letter exchange and x-overflow reject-publish; otherwise RabbitMQ
    /// logs a warning and dead-letters at most once (rabbit_quorum_queue:dlh at v3.10.8).
    /// </summary>
    private static bool AtLeastOnce(QueueArguments arguments) =>
        arguments is { DeadLetterStrategy: DeadLetterStrategy.AtLeastOnce, Overflow: OverflowBehaviour.RejectPublish, DeadLetterExchange: not null };
}
