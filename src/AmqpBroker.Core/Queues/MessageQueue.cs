using AmqpBroker.Core.DeadLettering;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Sessions;
using AmqpBroker.Core.Statistics;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// The shared body of classic and quorum queues: ready messages (by priority, then arrival), the consumers it
/// delivers to while they have credit, and the count of messages delivered but not settled. All of it is
/// guarded by this queue's lock alone; delivery happens on whichever thread made progress possible (a publish,
/// an ack, a new consumer). Messages the queue gives up (expired, over the length limit, rejected, over the
/// delivery limit) go to the dead-letter sink after the lock is released. A queue with a log records the
/// messages it keeps durably there, in queue order under the same lock: appended when they enter, marked when
/// first delivered to a consumer that must ack, settled when they leave. The length limit and message expiry
/// are their own types (<see cref="QueueLengthLimit"/>, <see cref="MessageExpiry"/>). What differs between the
/// two types (which messages are logged, redelivery counting, gets) is overridden by each of them.
/// </summary>
public abstract partial class MessageQueue : Queue
{
    private readonly Lock _lock = new();
    private readonly ReadyStore _ready;
    private readonly ConsumerSet _consumers;
    private readonly IDeadLetterSink _deadLetters;
    private readonly Action<Queue> _autoDelete;
    private readonly DurableEntries? _durable;
    private readonly MessageExpiry _expiry;
    private readonly QueueCredit _credit;
    private readonly UnackedTally _unacked = new();
    private readonly ConsumerUse _use = new();
    private readonly QueueDiskCounts? _disk;
    private long _nextSequence;
    private bool _hadConsumer;

    /// <param name="definition">What queue.declare fixed.</param>
    /// <param name="arguments">The validated arguments.</param>
    /// <param name="context">What the queue gets from its virtual host and broker.</param>
    /// <param name="log">Where the queue keeps messages durably; null when it keeps none.</param>
    /// <param name="logsTransient">Whether transient messages are logged too (a quorum queue has no transient messages).</param>
    /// <param name="priorities">How ready messages are ordered by their priority property.</param>
    /// <param name="expireAtHeadOnly">Whether expired messages go only once they reach the head (quorum queues), not from anywhere.</param>
    private protected MessageQueue(
        QueueDefinition definition, QueueArguments arguments, QueueContext context, IQueueLog? log, bool logsTransient, PriorityLevels priorities, bool expireAtHeadOnly = false)
        : base(definition, arguments, context)
    {
        _disk = log is null ? null : new QueueDiskCounts(log);
        _durable = _disk is null ? null : new DurableEntries(_disk, logsTransient);
        _deadLetters = context.DeadLetters;
        _autoDelete = context.AutoDelete;
        // Messages the log does not keep page to a temporary file instead (a quorum queue's log keeps them all).
        var pages = logsTransient ? null : context.Messages.OpenTransientPages(definition.VirtualHost, definition.Name);
        _ready = new ReadyStore(priorities, _disk, logsTransient, pages, new UnreadableMessages(context.Log, definition.VirtualHost, definition.Name));
        pages?.OnMemoryPressure(PageOutUnderPressure);
        _nextSequence = log?.NextId ?? 0;
        _consumers = new ConsumerSet(arguments.SingleActiveConsumer);
        LengthLimit = new QueueLengthLimit(_ready);
        _expiry = new MessageExpiry(_ready, _durable, context.Timers, ExpireMessages, expireAtHeadOnly);
        Credit = _credit = new QueueCredit(_expiry.NowMs);
    }

    public override int ReadyCount
    {
        get
        {
            lock (_lock)
            {
                return _ready.Count;
            }
        }
    }

    public override long ReadyBytes
    {
        get
        {
            lock (_lock)
            {
                return _ready.Bytes;
            }
        }
    }

    public override int UnackedCount => _unacked.Count;

    /// <summary>The queue's length limit over its ready messages.</summary>
    private protected QueueLengthLimit LengthLimit { get; }

    private protected override void OnArgumentsChanged(QueueArguments effective)
    {
        if (effective.Overflow == OverflowBehaviour.DropHead)
        {
            RemoveAndDeadLetter(effective, DeadLetterReason.MaxLength);
        }
    }

    /// <summary>
    /// Takes a reference on <paramref name="message"/> and delivers it at once if a consumer has credit.
    /// Returns false when the queue refused it (x-overflow reject-publish), which confirms as basic.nack.
    /// </summary>
    public override bool Enqueue(Message message)
    {
        message.AddReference();
        List<QueueEntry>? dropped = null;
        var reason = DeadLetterReason.MaxLength;
        var accepted = true;
        lock (_lock)
        {
            var now = _expiry.NowMs;
            var arguments = Arguments;
            var entry = new QueueEntry(message, _nextSequence++, Redelivered: false, MessageExpiry.ExpiresAt(arguments, message, now));
            if (IsDeleted)
            {
                message.Release();
                return true;
            }

            if (_ready.Count == 0 && TryDeliverLocked(entry, isNew: true))
            {
                return true;
            }

            if (entry.IsExpired(now))
            {
                // A TTL of 0 means "deliver now or never".
                (dropped = []).Add(entry);
                reason = DeadLetterReason.Expired;
            }
            else
            {
                accepted = AdmitLocked(arguments, entry, ref dropped);
                _credit.OnStored(_ready.Count, _consumers.Count, now);
            }
        }

        // Only the head dropped for the length limit was ever stored; a message refused or expired on arrival was not.
        DeadLetter(dropped, reason, stored: reason == DeadLetterReason.MaxLength && accepted);
        return accepted;
    }

    /// <summary>The length limit's say on an arriving entry: stored (heads may make room), refused, or refused and dead-lettered.</summary>
    private bool AdmitLocked(QueueArguments arguments, QueueEntry entry, ref List<QueueEntry>? dropped)
    {
        switch (Admit(arguments, entry.Message))
        {
            case Admission.Accept:
                _ready.Enqueue(entry, _durable?.Append(entry) ?? DurableEntries.NotLogged, arguments.Lazy);
                _expiry.Watch(entry.ExpiresAt);
                if (arguments.Overflow == OverflowBehaviour.DropHead)
                {
                    LengthLimit.DropHeadsOverLimit(arguments, ref dropped);
                }
                return true;
            case Admission.RefuseAndDeadLetter:
                (dropped = []).Add(entry);
                return false;
            default:
                entry.Message.Release();
                return false;
        }
    }

    /// <summary>What the length limit and x-overflow say to an arriving message (called under the queue's lock).</summary>
    private protected virtual Admission Admit(QueueArguments arguments, Message message) => LengthLimit.Admit(arguments, message);

    /// <summary>
    /// Refills a durable queue from its log at start: in publish order, those delivered before the restart
    /// marked redelivered, each expiring when it would have without the restart.
    /// </summary>
    internal override void Recover(IReadOnlyList<RecoveredEntry> recovered)
    {
        lock (_lock)
        {
            foreach (var entry in recovered)
            {
                _ready.Recover(entry, Arguments.Lazy);
                _expiry.Watch(entry.ExpiresAt);
            }
        }
    }

    public override bool TryTake(out QueueEntry entry, out uint remaining)
    {
        MarkUsed();
        List<QueueEntry>? expired = null;
        bool found;
        lock (_lock)
        {
            found = TryDequeueLive(ref expired, out entry);
            if (found)
            {
                _durable?.MarkDelivered(entry);
                OnUnacked(entry);
            }

            remaining = (uint)_ready.Count;
            _credit.OnShrunk(_ready.Count, _consumers.Count);
        }

        DeadLetter(expired, DeadLetterReason.Expired);
        return found;
    }

    /// <summary>
    /// An unacked delivery came back: redelivered in its old place, unless the type's redelivery rule (a
    /// quorum queue's delivery limit) gives it up, which dead-letters it.
    /// </summary>
    internal override void Return(QueueEntry entry, bool consumerGone)
    {
        OnSettledOrReturned(entry);
        if (!TryRedeliver(entry, consumerGone, out var redelivery))
        {
            DeadLetter([entry], DeadLetterReason.DeliveryLimit);
            return;
        }

        if (!TryHoldBack(redelivery, consumerGone))
        {
            Readmit(redelivery);
        }
    }

    /// <summary>Puts a returned entry back among the ready messages, in its old place.</summary>
    private protected void Readmit(in QueueEntry redelivery)
    {
        lock (_lock)
        {
            if (IsDeleted)
            {
                redelivery.Message.Release();
                return;
            }

            _ready.Requeue(redelivery);
            _expiry.Watch(redelivery.ExpiresAt);
        }
    }

    /// <summary>Whether the type keeps a returned entry back for a while instead (a quorum queue's delayed retry).</summary>
    private protected virtual bool TryHoldBack(in QueueEntry redelivery, bool consumerGone) => false;

    /// <summary>The entry as it goes back to the ready messages after a return, or false when the type gives it up instead.</summary>
    private protected virtual bool TryRedeliver(QueueEntry entry, bool consumerGone, out QueueEntry redelivery)
    {
        redelivery = entry.AsRedelivered();
        return true;
    }

    public override void Settle(QueueEntry entry)
    {
        OnSettledOrReturned(entry);
        if (_durable is not null && _durable.Holds(entry))
        {
            lock (_lock)
            {
                _durable.Settle(entry);
            }
        }

        entry.Message.Release();
    }

    public override void Reject(QueueEntry entry)
    {
        OnSettledOrReturned(entry);
        DeadLetter([entry], DeadLetterReason.Rejected);
    }

    public override uint Purge()
    {
        lock (_lock)
        {
            var purged = (uint)_ready.Clear(
                e =>
                {
                    _durable?.Settle(e);
                    e.Message.Release();
                },
                sequence => _durable!.SettlePaged(sequence));
            _credit.CatchUp();
            return purged;
        }
    }

    internal override uint Delete()
    {
        Consumer[] consumers;
        uint count;
        lock (_lock)
        {
            if (IsDeleted)
            {
                return 0;
            }

            IsDeleted = true;
            count = (uint)_ready.Clear(static e => e.Message.Release(), static _ => { });
            _ready.DeletePages();
            consumers = _consumers.RemoveAll();
            _expiry.Stop();
            _credit.CatchUp();
            StopUsageTimer();
        }

        foreach (var consumer in consumers)
        {
            consumer.Session.OnQueueDeleted(consumer);
        }

        return count;
    }

    /// <summary>The node is short of memory: what the queue holds in memory goes to its temporary file (see <see cref="ReadyStore.PageOut"/>).</summary>
    private long PageOutUnderPressure()
    {
        lock (_lock)
        {
            return IsDeleted ? 0 : _ready.PageOut();
        }
    }

    /// <summary>Dequeues the first entry that has not expired; expired heads are collected on the way.</summary>
    private bool TryDequeueLive(ref List<QueueEntry>? expired, out QueueEntry entry)
    {
        _expiry.RemoveExpiredHeads(Arguments, ref expired);
        return _ready.TryDequeue(out entry);
    }
}
