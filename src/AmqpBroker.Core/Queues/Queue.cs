using AmqpBroker.Core.DeadLettering;
using AmqpBroker.Core.Errors;
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
/// first delivered to a consumer that must ack, settled when they leave.
/// </summary>
public sealed class Queue : IBindingDestination
{
    private readonly Lock _lock = new();
    private readonly ReadyStore _ready;
    private readonly ConsumerSet _consumers;
    private readonly TimeProvider _time;
    private readonly IDeadLetterSink _deadLetters;
    private readonly Action<Queue> _autoDelete;
    private readonly DurableEntries? _durable;
    private readonly List<QueueEntry> _expiredScratch = [];
    private readonly List<long> _unreadScratch = [];
    private long _nextSequence;
    private int _unacked;
    private bool _hadConsumer;
    private long _lastUsedMs;
    private volatile QueueArguments _arguments;
    private volatile Policy? _policy;

    internal Queue(QueueDefinition definition, QueueArguments arguments, ClientConnection? exclusiveOwner, TimeProvider time, IDeadLetterSink deadLetters, Action<Queue> autoDelete, IQueueLog? log = null)
    {
        _durable = log is null ? null : new DurableEntries(log);
        Definition = definition;
        DeclaredArguments = _arguments = arguments;
        ExclusiveOwner = exclusiveOwner;
        _time = time;
        _deadLetters = deadLetters;
        _autoDelete = autoDelete;
        _ready = new ReadyStore(arguments.MaxPriority, log);
        _nextSequence = log?.NextId ?? 0;
        _consumers = new ConsumerSet(arguments.SingleActiveConsumer);
        _lastUsedMs = NowMs;
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

    public ClientConnection? ExclusiveOwner { get; }

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

    public int ConsumerCount
    {
        get
        {
            lock (_lock)
            {
                return _consumers.Count;
            }
        }
    }

    public bool IsUnused => ConsumerCount == 0;

    /// <summary>With x-single-active-consumer, the consumer that receives the messages now; otherwise null.</summary>
    public Consumer? ActiveConsumer
    {
        get
        {
            lock (_lock)
            {
                return Arguments.SingleActiveConsumer ? _consumers.First : null;
            }
        }
    }

    /// <summary>Whether messages here can expire, so the broker's tick should sweep this queue.</summary>
    internal bool HasExpiringMessages => Arguments.MessageTtl is not null || _ready.AnyWithOwnTtl;

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

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
                DropHeadOverLimit(ref dropped);
            }
        }

        MarkUsed();
        DeadLetter(dropped, DeadLetterReason.MaxLength);
    }

    /// <summary>Throws 405 RESOURCE_LOCKED when the queue is exclusive to another connection.</summary>
    public void CheckAccess(ClientConnection connection)
    {
        if (ExclusiveOwner is not null && !ReferenceEquals(ExclusiveOwner, connection))
        {
            throw Locked();
        }
    }

    /// <summary>A redeclare must ask for the exclusivity the queue was declared with; RabbitMQ answers 405 otherwise.</summary>
    public void CheckExclusivity(bool exclusive)
    {
        if (exclusive != ExclusiveOwner is not null)
        {
            throw Locked();
        }
    }

    private AmqpException Locked() => AmqpException.ResourceLocked(
        $"cannot obtain exclusive access to locked queue '{Name}' in vhost '{Definition.VirtualHost}'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.");

    /// <summary>basic.get, basic.consume and redeclare count as use for x-expires.</summary>
    public void MarkUsed() => Volatile.Write(ref _lastUsedMs, NowMs);

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
            var now = NowMs;
            var entry = new QueueEntry(message, _nextSequence++, Redelivered: false, ExpiresAt(message, now));
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
            else if (Arguments.Overflow != OverflowBehaviour.DropHead && IsFullFor(message))
            {
                accepted = false;
                if (Arguments.Overflow == OverflowBehaviour.RejectPublishDeadLetter)
                {
                    (dropped = []).Add(entry);
                }
                else
                {
                    message.Release();
                }
            }
            else
            {
                _ready.Enqueue(entry, _durable?.Append(entry) ?? DurableEntries.NotLogged, Arguments.Lazy);
                if (Arguments.HasLengthLimit)
                {
                    DropHeadOverLimit(ref dropped);
                }
            }
        }

        // Only the head dropped for the length limit was ever stored; a message refused or expired on arrival was not.
        DeadLetter(dropped, reason, stored: reason == DeadLetterReason.MaxLength && accepted);
        return accepted;
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

    /// <summary>Delivers ready messages for as long as some consumer has credit.</summary>
    public void Drain()
    {
        List<QueueEntry>? expired = null;
        lock (_lock)
        {
            while (_consumers.Count > 0 && TryDequeueLive(ref expired, out var entry))
            {
                if (!TryDeliverLocked(entry, isNew: false))
                {
                    _ready.Requeue(entry);
                    break;
                }
            }
        }

        DeadLetter(expired, DeadLetterReason.Expired);
    }

    /// <summary>Removes expired messages without waiting for a consumer (the broker's tick calls this).</summary>
    internal void ExpireMessages()
    {
        if (!HasExpiringMessages)
        {
            return;
        }

        List<QueueEntry>? expired = null;
        lock (_lock)
        {
            // With only a queue-wide TTL, expiry follows arrival order and the head is enough.
            RemoveExpiredLocked(headOnly: !_ready.AnyWithOwnTtl, ref expired);
        }

        DeadLetter(expired, DeadLetterReason.Expired);
    }

    /// <summary>x-expires: unused (no consumers, no get, no redeclare) for longer than the limit.</summary>
    internal bool HasExpiredUnused() =>
        Arguments.Expires is { } expires && ConsumerCount == 0 && NowMs - Volatile.Read(ref _lastUsedMs) >= expires;

    public void AddConsumer(Consumer consumer)
    {
        lock (_lock)
        {
            if (IsDeleted)
            {
                throw AmqpException.NotFound($"no queue '{Name}' in vhost '{Definition.VirtualHost}'");
            }

            if (consumer.Exclusive ? _consumers.Count > 0 : _consumers.HasExclusive)
            {
                throw AmqpException.AccessRefused($"queue '{Name}' in vhost '{Definition.VirtualHost}' in exclusive use");
            }

            _consumers.Add(consumer);
            _hadConsumer = true;
        }

        MarkUsed();
    }

    /// <summary>Removes a consumer; an auto-delete queue that loses its last one deletes itself.</summary>
    public void RemoveConsumer(Consumer consumer)
    {
        bool lastGone;
        lock (_lock)
        {
            if (!_consumers.Remove(consumer))
            {
                return;
            }

            lastGone = _consumers.Count == 0 && _hadConsumer && Definition.AutoDelete && !IsDeleted;
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
        }

        foreach (var consumer in consumers)
        {
            consumer.Session.OnQueueDeleted(consumer);
        }

        return count;
    }

    private long ExpiresAt(Message message, long nowMs)
    {
        var ttl = Arguments.MessageTtl;
        if (message.Summary.ExpirationMs != Protocol.Content.ContentSummary.NoExpiration)
        {
            // The lower of the queue's TTL and the message's own expiration wins.
            ttl = ttl is null ? message.Summary.ExpirationMs : Math.Min(ttl.Value, message.Summary.ExpirationMs);
        }

        return ttl is null ? QueueEntry.Never : nowMs + ttl.Value;
    }

    private bool IsFullFor(Message message) =>
        (Arguments.MaxLength is { } maxLength && _ready.Count >= maxLength)
        || (Arguments.MaxLengthBytes is { } maxBytes && _ready.Bytes + message.BodySize > maxBytes);

    private void DropHeadOverLimit(ref List<QueueEntry>? dropped)
    {
        while ((Arguments.MaxLength is { } maxLength && _ready.Count > maxLength)
            || (Arguments.MaxLengthBytes is { } maxBytes && _ready.Bytes > maxBytes))
        {
            _ready.TryDequeue(out var head);
            (dropped ??= []).Add(head);
        }
    }

    /// <summary>Dequeues the first entry that has not expired; expired heads are collected on the way.</summary>
    private bool TryDequeueLive(ref List<QueueEntry>? expired, out QueueEntry entry)
    {
        if (HasExpiringMessages)
        {
            RemoveExpiredLocked(headOnly: true, ref expired);
        }

        return _ready.TryDequeue(out entry);
    }

    /// <summary>
    /// Removes expired entries into <paramref name="expired"/> for dead-lettering. Paged-out ones are read
    /// back only if a dead-letter exchange will republish them; otherwise they are settled here, unread.
    /// </summary>
    private void RemoveExpiredLocked(bool headOnly, ref List<QueueEntry>? expired)
    {
        _ready.RemoveExpired(NowMs, headOnly, readBack: Arguments.DeadLetterExchange is not null, _expiredScratch, _unreadScratch);
        foreach (var sequence in _unreadScratch)
        {
            _durable!.SettlePaged(sequence);
        }

        if (_expiredScratch.Count > 0)
        {
            (expired ??= []).AddRange(_expiredScratch);
        }

        _expiredScratch.Clear();
        _unreadScratch.Clear();
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
            return false;
        }

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
            Interlocked.Increment(ref _unacked);
        }

        return true;
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
