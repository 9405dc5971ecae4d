using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Sessions;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Queues.Stream;

/// <summary>
/// RabbitMQ's stream over AMQP 0-9-1 on one node: an append-only log (<see cref="IStreamLog"/>) that every
/// message enters (confirmed once the store synced it) and that acks never shorten. Each consumer reads it on
/// its own from where its <c>x-stream-offset</c> says (<see cref="StreamSubscription"/>); an ack only gives its
/// credit back. Retention drops whole segments (<see cref="StreamRetention"/>). basic.get and queue.purge are
/// refused, and basic.nack/reject too before 3.13 (from 3.13 they settle like an ack), with RabbitMQ's texts.
/// </summary>
public sealed partial class StreamQueue : Queue
{
    private readonly Lock _lock = new();
    private readonly IStreamLog _log;
    private readonly TimeProvider _time;
    private readonly VersionProfile _profile;
    private readonly List<StreamSubscription> _subscriptions = [];

    // osiris's first_timestamp counter (Unix ms; 0 when unset): taken when the log opens and when retention is
    // evaluated, never on a plain append, so a new stream keeps 0 until its first segment fills up.
    private long _firstTimestamp;

    internal StreamQueue(QueueDefinition definition, QueueArguments arguments, QueueContext context, IStreamLog log)
        : base(definition, arguments, context)
    {
        _log = log;
        _time = context.Time;
        _profile = context.Profile;
        _firstTimestamp = OldestChunkTime();
    }

    /// <summary>Every message the stream holds (RabbitMQ's <c>messages</c> and <c>messages_ready</c> of a stream).</summary>
    public override int ReadyCount
    {
        get
        {
            lock (_lock)
            {
                var segments = _log.Segments;
                return segments.Count == 0 ? 0 : (int)Math.Min(int.MaxValue, _log.NextOffset - segments[0].FirstOffset);
            }
        }
    }

    /// <summary>The size of the segments held.</summary>
    public override long ReadyBytes
    {
        get
        {
            lock (_lock)
            {
                var bytes = 0L;
                foreach (var segment in _log.Segments)
                {
                    bytes += segment.Bytes;
                }

                return bytes;
            }
        }
    }

    /// <summary>The segments held (osiris's <c>segments</c> counter: its segment files).</summary>
    public int SegmentCount
    {
        get
        {
            lock (_lock)
            {
                return _log.Segments.Count;
            }
        }
    }

    /// <summary>
    /// When the oldest chunk held was written (Unix milliseconds), as of the log's opening or its last retention
    /// evaluation (osiris_log at v1.10.3, the osiris of RabbitMQ 4.2.8: the counter is set in its writer's init and
    /// in trigger_retention_eval only); 0 until then.
    /// </summary>
    public long FirstTimestamp
    {
        get
        {
            lock (_lock)
            {
                return _firstTimestamp;
            }
        }
    }

    /// <summary>A stream holds nothing back for a delivery, so RabbitMQ shows no unacknowledged messages.</summary>
    public override int UnackedCount => 0;

    public override int ConsumerCount
    {
        get
        {
            lock (_lock)
            {
                return _subscriptions.Count;
            }
        }
    }

    /// <summary>Appends the message (whatever its delivery mode) and hands it to the consumers reading at the end.</summary>
    public override bool Enqueue(Message message)
    {
        lock (_lock)
        {
            if (IsDeleted)
            {
                return true;
            }

            var segments = _log.Segments.Count;
            _log.Append(message, _time);
            if (segments > 0 && _log.Segments.Count > segments)
            {
                // A segment filled up (the first append only opened the first one, as osiris's writer opens it before any).
                EvaluateRetentionLocked(Arguments);
            }

            DeliverLocked();
        }

        return true;
    }

    public override bool TryTake(out QueueEntry entry, out uint remaining) =>
        throw AmqpException.NotImplemented($"basic.get not supported by stream queues {QueueArguments.Describe(Definition)}");

    /// <summary>An ack gives the consumer's credit back (the session did that); the message stays in the stream.</summary>
    public override void Settle(QueueEntry entry) => entry.Message.Release();

    public override void Reject(QueueEntry entry) => SettleUnlessRefused(entry);

    public override uint Purge() =>
        throw AmqpException.NotImplemented($"queue.purge not supported by stream queues {QueueArguments.Describe(Definition)}");

    public override void AddConsumer(Consumer consumer)
    {
        var offset = StreamOffset.Parse(
            consumer.Arguments.GetValueOrDefault(StreamOffset.Argument),
            consumer.Arguments.ContainsKey(StreamOffset.Argument),
            _time.GetUtcNow().ToUnixTimeMilliseconds(),
            QueueArguments.Describe(Definition));
        var filter = _profile.StreamFiltering ? StreamFilter.From(consumer.Arguments) : null;
        lock (_lock)
        {
            if (IsDeleted)
            {
                throw AmqpException.NotFound($"no queue '{Name}' in vhost '{Definition.VirtualHost}'");
            }

            Ownership.CheckConsumer(consumer, _subscriptions.Count, _subscriptions.Exists(static s => s.Consumer.Exclusive));
            var (start, skipBefore) = StreamStart.Find(_log, offset);
            _subscriptions.Add(new StreamSubscription(consumer, start, skipBefore, filter));
        }

        MarkUsed();
    }

    public override void RemoveConsumer(Consumer consumer)
    {
        lock (_lock)
        {
            var index = _subscriptions.FindIndex(s => ReferenceEquals(s.Consumer, consumer));
            if (index >= 0)
            {
                _subscriptions[index].Release();
                _subscriptions.RemoveAt(index);
            }
        }
    }

    public override void Drain()
    {
        lock (_lock)
        {
            DeliverLocked();
        }
    }

    /// <summary>A delivery whose channel went away just ends; one handed back explicitly is refused before 3.13.</summary>
    internal override void Return(QueueEntry entry, bool consumerGone)
    {
        if (consumerGone)
        {
            entry.Message.Release();
            return;
        }

        SettleUnlessRefused(entry);
    }

    /// <summary>Every message is kept in the log: its confirm waits for the sync.</summary>
    internal override bool NeedsSync(Message message) => true;

    /// <summary>The log recovers itself when the stream opens it.</summary>
    internal override void Recover(IReadOnlyList<RecoveredEntry> recovered)
    {
    }

    internal override uint Delete()
    {
        StreamSubscription[] subscriptions;
        uint count;
        lock (_lock)
        {
            if (IsDeleted)
            {
                return 0;
            }

            count = (uint)ReadyCount;
            IsDeleted = true;
            subscriptions = TakeSubscriptionsLocked();
            _log.Dispose();
        }

        Cancel(subscriptions);
        return count;
    }

    private protected override void OnArgumentsChanged(QueueArguments effective)
    {
        lock (_lock)
        {
            if (!IsDeleted)
            {
                EvaluateRetentionLocked(effective);
            }
        }
    }

    /// <summary>Drops the segments retention lets go, and takes the oldest chunk's time as the first timestamp.</summary>
    private void EvaluateRetentionLocked(QueueArguments arguments)
    {
        StreamRetention.Apply(_log, arguments, _time.GetUtcNow().ToUnixTimeMilliseconds());
        _firstTimestamp = OldestChunkTime();
    }

    private long OldestChunkTime() => _log.Segments.Count > 0 ? _log.Segments[0].FirstTimestamp : 0;

    /// <summary>Removes every consumer's subscription, letting go of what each had prepared.</summary>
    private StreamSubscription[] TakeSubscriptionsLocked()
    {
        StreamSubscription[] subscriptions = [.. _subscriptions];
        _subscriptions.Clear();
        foreach (var subscription in subscriptions)
        {
            subscription.Release();
        }

        return subscriptions;
    }

    /// <summary>Tells the consumers their stream went away (basic.cancel to clients that take it); called outside the lock.</summary>
    private static void Cancel(StreamSubscription[] subscriptions)
    {
        foreach (var subscription in subscriptions)
        {
            subscription.Consumer.Session.OnQueueDeleted(subscription.Consumer);
        }
    }

    private void DeliverLocked()
    {
        foreach (var subscription in _subscriptions)
        {
            if (subscription.Consumer.IsActive)
            {
                subscription.Deliver(_log);
            }
        }
    }

    /// <summary>basic.nack, basic.reject and basic.recover: 540 before 3.13 (rabbit_stream_queue:settle), an ack from 3.13 on.</summary>
    private void SettleUnlessRefused(QueueEntry entry)
    {
        entry.Message.Release();
        if (!_profile.StreamNackIsAck)
        {
            throw AmqpException.NotImplemented($"basic.nack and basic.reject not supported by stream queues {QueueArguments.Describe(Definition)}");
        }
    }
}
