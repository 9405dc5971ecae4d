using AmqpBroker.Core.DeadLettering;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Sessions;
using AmqpBroker.Core.Statistics;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// A queue: ready messages (by priority, then arrival), the consumers it delivers to while they have
/// credit, and the count of messages delivered but not settled. All of it is guarded by this queue's
/// lock alone; delivery happens on whichever thread made progress possible (a publish, an ack, a new
/// consumer). Messages the queue gives up (expired, over the length limit, rejected, over the delivery
/// limit) go to the dead-letter sink after the lock is released. A durable queue with a log records its
/// persistent messages there, in queue order under the same lock: appended when they enter, marked when
/// first delivered to a consumer that must ack, settled when they leave. The length limit, message expiry,
/// x-expires and exclusivity rules are their own types (<see cref="QueueLengthLimit"/>,
/// <see cref="MessageExpiry"/>, <see cref="QueueUsage"/>, <see cref="QueueOwnership"/>).
/// </summary>
public sealed partial class Queue : IBindingDestination
{
    private readonly Lock _lock = new();
    private readonly ReadyStore _ready;
    private readonly ConsumerSet _consumers;
    private readonly IDeadLetterSink _deadLetters;
    private readonly Action<Queue> _autoDelete;
    private readonly DurableEntries? _durable;
    private readonly QueueLengthLimit _lengthLimit;
    private readonly MessageExpiry _expiry;
    private readonly QueueUsage _usage;
    private readonly Action<Queue> _unused;
    private readonly QueueOwnership _ownership;
    private long _nextSequence;
    private int _unacked;
    private bool _hadConsumer;
    private volatile QueueArguments _arguments;
    private volatile Policy? _policy;

    internal Queue(QueueDefinition definition, QueueArguments arguments, QueueContext context, IQueueLog? log = null)
    {
        _durable = log is null ? null : new DurableEntries(log);
        Definition = definition;
        DeclaredArguments = _arguments = arguments;
        _deadLetters = context.DeadLetters;
        _autoDelete = context.AutoDelete;
        _ready = new ReadyStore(arguments.MaxPriority, log);
        _nextSequence = log?.NextId ?? 0;
        _consumers = new ConsumerSet(arguments.SingleActiveConsumer);
        _lengthLimit = new QueueLengthLimit(_ready);
        _expiry = new MessageExpiry(_ready, _durable, context.Timers, ExpireMessages);
        _unused = context.Unused;
        _usage = new QueueUsage(context.Timers, CheckUnused);
        _usage.Watch(arguments.Expires);
        _ownership = new QueueOwnership(definition, context.ExclusiveOwner);
    }

    public QueueDefinition Definition { get; }

    /// <summary>The arguments the queue was declared with.</summary>
    public QueueArguments DeclaredArguments { get; }

    /// <summary>
    /// The arguments in force: the declared ones combined with the applying policy's. Replaced whole when
    /// policies change, so readers take no lock and see one consistent set per read.
    /// </summary>
    public QueueArguments Arguments => _arguments;

    /// <summary>The policy that applies to this queue, if any (RabbitMQ's <c>policy</c> of a queue).</summary>
    public Policy? Policy => _policy;

    public string? PolicyName => _policy?.Name;

    public string Name => Definition.Name;

    public ClientConnection? ExclusiveOwner => _ownership.Owner;

    public bool IsDurable => Definition.Durable && !Definition.Exclusive;

    public bool IsDeleted { get; private set; }

    /// <summary>Message events of this queue, counted by the virtual host and the sessions that use it.</summary>
    public MessageCounters Counters { get; } = new();

    public int ReadyCount
    {
        get
        {
            lock (_lock)
            {
                return _ready.Count;
            }
        }
    }

    public long ReadyBytes
    {
        get
        {
            lock (_lock)
            {
                return _ready.Bytes;
            }
        }
    }

    public int UnackedCount => Volatile.Read(ref _unacked);

    /// <summary>
    /// Puts <paramref name="effective"/> (declared arguments combined with <paramref name="policy"/>) in force.
    /// As in RabbitMQ, a lowered length limit drops heads at once and the x-expires countdown restarts.
    /// </summary>
    internal void ApplyPolicy(Policy? policy, QueueArguments effective)
    {
        List<QueueEntry>? dropped = null;
        lock (_lock)
        {
            _policy = policy;
            _arguments = effective;
            if (effective.Overflow == OverflowBehaviour.DropHead)
            {
                _lengthLimit.DropHeadsOverLimit(effective, ref dropped);
            }
        }

        MarkUsed();
        _usage.Watch(effective.Expires);
        DeadLetter(dropped, DeadLetterReason.MaxLength);
    }

    /// <summary>Throws 405 RESOURCE_LOCKED when the queue is exclusive to another connection.</summary>
    public void CheckAccess(ClientConnection connection) => _ownership.CheckAccess(connection);

    /// <summary>A redeclare must ask for the exclusivity the queue was declared with; RabbitMQ answers 405 otherwise.</summary>
    public void CheckExclusivity(bool exclusive) => _ownership.CheckExclusivity(exclusive);

    /// <summary>basic.get, basic.consume and redeclare count as use for x-expires.</summary>
    public void MarkUsed() => _usage.MarkUsed();

    /// <summary>
    /// Takes a reference on <paramref name="message"/> and delivers it at once if a consumer has credit.
    /// Returns false when the queue refused it (x-overflow reject-publish), which confirms as basic.nack.
    /// </summary>
    public bool Enqueue(Message message)
    {
        message.AddReference();
        if (Arguments.DeliveryLimit is not null)
        {
            message = DeliveryCountHeader.Stamp(message, 0);
        }

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
            }
        }

        // Only the head dropped for the length limit was ever stored; a message refused or expired on arrival was not.
        DeadLetter(dropped, reason, stored: reason == DeadLetterReason.MaxLength && accepted);
        return accepted;
    }

    /// <summary>The length limit's say on an arriving entry: stored (heads may make room), refused, or refused and dead-lettered.</summary>
    private bool AdmitLocked(QueueArguments arguments, QueueEntry entry, ref List<QueueEntry>? dropped)
    {
        switch (_lengthLimit.Admit(arguments, entry.Message))
        {
            case Admission.Accept:
                _ready.Enqueue(entry, _durable?.Append(entry) ?? DurableEntries.NotLogged, arguments.Lazy);
                _expiry.Watch(entry.ExpiresAt);
                _lengthLimit.DropHeadsOverLimit(arguments, ref dropped);
                return true;
            case Admission.RefuseAndDeadLetter:
                (dropped = []).Add(entry);
                return false;
            default:
                entry.Message.Release();
                return false;
        }
    }

    /// <summary>
    /// Refills a durable queue from its log at start: in publish order, those delivered before the restart
    /// marked redelivered, each expiring when it would have without the restart.
    /// </summary>
    internal void Recover(IReadOnlyList<RecoveredEntry> recovered)
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

    public bool TryTake(out QueueEntry entry, out uint remaining)
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
                Interlocked.Increment(ref _unacked);
            }

            remaining = (uint)_ready.Count;
        }

        DeadLetter(expired, DeadLetterReason.Expired);
        return found;
    }

    /// <summary>
    /// An unacked delivery came back (nack/reject with requeue, channel closed): redeliver it in its old
    /// place, or dead-letter it once it exceeds x-delivery-limit.
    /// </summary>
    public void Requeue(QueueEntry entry)
    {
        Interlocked.Decrement(ref _unacked);
        var redelivery = entry.AsRedelivered();
        if (Arguments.DeliveryLimit is { } limit)
        {
            if (redelivery.DeliveryCount > limit)
            {
                DeadLetter([entry], DeadLetterReason.DeliveryLimit);
                return;
            }

            redelivery = redelivery with { Message = DeliveryCountHeader.Stamp(entry.Message, redelivery.DeliveryCount) };
        }

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

    /// <summary>An unacked delivery was acked: the queue lets go of it.</summary>
    public void Settle(QueueEntry entry)
    {
        Interlocked.Decrement(ref _unacked);
        if (_durable is not null && DurableEntries.Holds(entry))
        {
            lock (_lock)
            {
                _durable.Settle(entry);
            }
        }

        entry.Message.Release();
    }

    /// <summary>An unacked delivery was rejected without requeue: dead-lettered, or dropped without a DLX.</summary>
    public void Reject(QueueEntry entry)
    {
        Interlocked.Decrement(ref _unacked);
        DeadLetter([entry], DeadLetterReason.Rejected);
    }

    public uint Purge()
    {
        lock (_lock)
        {
            return (uint)_ready.Clear(
                e =>
                {
                    _durable?.Settle(e);
                    e.Message.Release();
                },
                sequence => _durable!.SettlePaged(sequence));
        }
    }

    /// <summary>Marks the queue deleted, drops its messages and tells its consumers; returns the ready count.</summary>
    internal uint Delete()
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
            consumers = _consumers.RemoveAll();
            _expiry.Stop();
            _usage.Stop();
        }

        foreach (var consumer in consumers)
        {
            consumer.Session.OnQueueDeleted(consumer);
        }

        return count;
    }

    /// <summary>Dequeues the first entry that has not expired; expired heads are collected on the way.</summary>
    private bool TryDequeueLive(ref List<QueueEntry>? expired, out QueueEntry entry)
    {
        _expiry.RemoveExpiredHeads(Arguments, ref expired);
        return _ready.TryDequeue(out entry);
    }

    /// <summary>Hands what the queue gave up to the dead-letter sink, settling it in the log first when it was stored.</summary>
    private void DeadLetter(List<QueueEntry>? entries, DeadLetterReason reason, bool stored = true)
    {
        if (entries is not { Count: > 0 })
        {
            return;
        }

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
}
