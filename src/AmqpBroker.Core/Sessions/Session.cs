using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Statistics;

namespace AmqpBroker.Core.Sessions;

/// <summary>
/// The broker-side state of one AMQP channel: its consumers, its unacked deliveries with their delivery
/// tags, and its prefetch limits (<see cref="Sessions.Prefetch"/>). Queues call in (under their own lock) to deliver; the session never
/// calls a queue while holding its own lock, so the two locks cannot deadlock.
/// </summary>
public sealed partial class Session
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Consumer> _consumers = new(StringComparer.Ordinal);
    private readonly UnackedDeliveries _unacked = new();
    private readonly List<UnackedDelivery> _settling = [];
    private readonly IDeliveryTarget _target;
    private readonly Prefetch _prefetch = new();
    private readonly TimeProvider _time;
    private ulong _lastDeliveryTag;
    private int _consumerTagCounter;
    private bool _closed;

    /// <param name="connection">The connection the channel belongs to.</param>
    /// <param name="channelNumber">The channel's number on that connection.</param>
    /// <param name="target">Where deliveries to this channel's consumers are written.</param>
    /// <param name="totals">Where this channel's message counts roll up to (the broker's totals), if anywhere.</param>
    /// <param name="time">The broker's clock, which stamps unacked deliveries for the consumer timeout.</param>
    public Session(ClientConnection connection, ushort channelNumber, IDeliveryTarget target, MessageCounters? totals = null, TimeProvider? time = null)
    {
        Connection = connection;
        _time = time ?? TimeProvider.System;
        ChannelNumber = channelNumber;
        _target = target;
        Counters = new MessageCounters(totals);
    }

    public ClientConnection Connection { get; }

    /// <summary>The firehose tracer of the channel's vhost, told of every delivery while it is on.</summary>
    public Tracing.FirehoseTracer? Tracer { get; init; }

    /// <summary>Message events on this channel (RabbitMQ's channel message_stats).</summary>
    public MessageCounters Counters { get; }

    public ushort ChannelNumber { get; }

    /// <summary>Prefetch for consumers created from now on (basic.qos, global = false).</summary>
    public ushort ConsumerPrefetch => _prefetch.ConsumerLimit;

    /// <summary>Prefetch shared by all consumers of the channel (basic.qos, global = true).</summary>
    public ushort ChannelPrefetch => _prefetch.ChannelLimit;

    public int UnackedCount
    {
        get
        {
            lock (_lock)
            {
                return _unacked.Count;
            }
        }
    }

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

    /// <summary>Whether a consumer of the channel must acknowledge what it gets (not no-ack).</summary>
    public bool HasConsumerThatAcks
    {
        get
        {
            lock (_lock)
            {
                foreach (var consumer in _consumers.Values)
                {
                    if (!consumer.NoAck)
                    {
                        return true;
                    }
                }

                return false;
            }
        }
    }

    /// <summary>A snapshot of the channel's consumers.</summary>
    public IReadOnlyList<Consumer> Consumers
    {
        get
        {
            lock (_lock)
            {
                return [.. _consumers.Values];
            }
        }
    }

    public void SetPrefetch(ushort count, bool global)
    {
        _prefetch.Set(count, global);
        ResumeDeliveries();
    }

    /// <summary>
    /// Registers a consumer that receives nothing until <see cref="Activate"/>: the caller sends
    /// consume-ok in between, so that it reaches the client before the first delivery.
    /// </summary>
    public Consumer Consume(Queue queue, string requestedTag, bool noAck, bool exclusive, IReadOnlyDictionary<string, object?> arguments)
    {
        queue.CheckConsume(new ConsumeRequest(noAck, ConsumerPrefetch, ChannelPrefetch, arguments));
        Consumer consumer;
        lock (_lock)
        {
            var tag = requestedTag.Length == 0 ? $"amq.ctag-{Guid.NewGuid():N}-{++_consumerTagCounter}" : requestedTag;
            if (_consumers.ContainsKey(tag))
            {
                throw AmqpException.NotAllowed($"attempt to reuse consumer tag '{tag}'");
            }

            consumer = new Consumer(this, queue, tag, noAck, exclusive, ConsumerPrefetch, arguments);
            _consumers.Add(tag, consumer);
        }

        try
        {
            queue.AddConsumer(consumer);
        }
        catch
        {
            lock (_lock)
            {
                _consumers.Remove(consumer.Tag);
            }

            throw;
        }

        return consumer;
    }

    public static void Activate(Consumer consumer)
    {
        consumer.Activate();
        consumer.Queue.Drain();
    }

    /// <summary>Cancels a consumer; false when the tag is unknown (basic.cancel then still answers cancel-ok).</summary>
    public bool Cancel(string tag)
    {
        Consumer? consumer;
        lock (_lock)
        {
            if (!_consumers.Remove(tag, out consumer))
            {
                return false;
            }
        }

        consumer.Queue.RemoveConsumer(consumer);
        return true;
    }

    /// <summary>The queue went away under the consumer: forget it and tell the client (consumer_cancel_notify).</summary>
    internal void OnQueueDeleted(Consumer consumer)
    {
        lock (_lock)
        {
            if (_closed || !_consumers.Remove(consumer.Tag))
            {
                return;
            }

            _target.SendCancel(consumer.Tag);
        }
    }

    /// <summary>The oldest unacked delivery <paramref name="counts"/> accepts, if any (the consumer timeout's candidate).</summary>
    public UnackedDelivery? OldestUnacked(Func<UnackedDelivery, bool> counts)
    {
        lock (_lock)
        {
            return _unacked.Count == 0 ? null : _unacked.Oldest(counts);
        }
    }

    /// <summary>
    /// A consumer whose delivery timed out (quorum queues from RabbitMQ 4.3): it is cancelled, its unacked
    /// deliveries go back to the queue and the client is told with basic.cancel.
    /// </summary>
    public void CancelTimedOut(Consumer consumer)
    {
        var removed = new List<UnackedDelivery>();
        lock (_lock)
        {
            if (_closed || !_consumers.Remove(consumer.Tag))
            {
                return;
            }

            _unacked.RemoveOf(consumer, removed);
        }

        // The consumer leaves the queue first, so that the returned messages cannot go straight back to it;
        // the client hears of it once they are back.
        consumer.Queue.RemoveConsumer(consumer);
        Complete(removed, Settlement.Requeue, consumerGone: true);
        _target.SendCancel(consumer.Tag);
    }

    /// <summary>Called by a queue under its lock. Returns false (and takes nothing) when there is no credit.</summary>
    internal bool TryDeliver(Consumer consumer, QueueEntry entry)
    {
        lock (_lock)
        {
            if (_closed || !consumer.IsActive || !_target.CanAcceptDeliveries || !consumer.HasOwnCredit
                || (!consumer.NoAck && _prefetch.IsChannelFull))
            {
                return false;
            }

            var tag = ++_lastDeliveryTag;
            if (!consumer.NoAck)
            {
                _unacked.Add(new UnackedDelivery(tag, consumer.Queue, entry, consumer, _time.GetTimestamp()));
                consumer.OnDelivered();
            }

            _target.SendDeliver(consumer.Tag, tag, entry.Redelivered, entry.Message);
            if (Tracer is { IsOn: true } tracer)
            {
                tracer.TraceDeliver(consumer.Queue.Name, entry.Message, entry.Redelivered, Connection, ChannelNumber);
            }

            Count(consumer.Queue, consumer.NoAck ? MessageCounter.DeliverNoAck : MessageCounter.Deliver, entry.Redelivered);
            return true;
        }
    }

    /// <summary>A direct reply-to delivery: no queue, no ack, never refused for credit (RabbitMQ's behaviour).</summary>
    public bool DeliverDirect(string consumerTag, Messages.Message message)
    {
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            _target.SendDeliver(consumerTag, ++_lastDeliveryTag, redelivered: false, message);
            return true;
        }
    }

    /// <summary>basic.get: takes one message, or returns false for get-empty.</summary>
    public bool Get(Queue queue, bool noAck)
    {
        if (!queue.TryTake(out var entry, out var remaining))
        {
            Counters.Increment(MessageCounter.GetEmpty);
            queue.Counters.Increment(MessageCounter.GetEmpty);
            return false;
        }

        Count(queue, noAck ? MessageCounter.GetNoAck : MessageCounter.Get, entry.Redelivered);

        lock (_lock)
        {
            var tag = ++_lastDeliveryTag;
            if (!noAck)
            {
                _unacked.Add(new UnackedDelivery(tag, queue, entry, null, _time.GetTimestamp()));
            }

            _target.SendGetOk(tag, entry.Redelivered, remaining, entry.Message);
            if (Tracer is { IsOn: true } tracer)
            {
                tracer.TraceDeliver(queue.Name, entry.Message, entry.Redelivered, Connection, ChannelNumber);
            }
        }

        if (noAck)
        {
            queue.Settle(entry);
        }

        return true;
    }

    public void Ack(ulong deliveryTag, bool multiple) => Settle(deliveryTag, multiple, Settlement.Ack);

    /// <summary>basic.reject / basic.nack: requeue, or drop (dead-lettering comes with the queue's DLX).</summary>
    public void Reject(ulong deliveryTag, bool multiple, bool requeue) => Settle(deliveryTag, multiple, requeue ? Settlement.Requeue : Settlement.Reject);

    /// <summary>basic.recover(requeue = true): every unacked delivery goes back to its queue.</summary>
    public void Recover()
    {
        var removed = new List<UnackedDelivery>();
        lock (_lock)
        {
            _unacked.RemoveAll(removed);
        }

        Complete(removed, Settlement.Requeue);
    }

    /// <summary>Channel closed: cancel every consumer and requeue every unacked delivery as redelivered.</summary>
    public void Close()
    {
        var removed = new List<UnackedDelivery>();
        Consumer[] consumers;
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            consumers = [.. _consumers.Values];
            _consumers.Clear();
            _unacked.RemoveAll(removed);
        }

        // Requeue before the consumers go: a single active consumer's successor then gets the returned
        // messages ahead of the ones still ready, as on RabbitMQ. The closed session refuses deliveries meanwhile.
        Complete(removed, Settlement.Requeue, consumerGone: true);
        foreach (var consumer in consumers)
        {
            consumer.Queue.RemoveConsumer(consumer);
        }
    }

    internal void OnConsumerDelivery(int change) => _prefetch.OnConsumerDelivery(change);

    /// <summary>The connection's writer drained or prefetch was raised: let the queues deliver again.</summary>
    public void ResumeDeliveries()
    {
        Consumer[] consumers;
        lock (_lock)
        {
            consumers = [.. _consumers.Values];
        }

        foreach (var consumer in consumers)
        {
            consumer.Queue.Drain();
        }
    }

    /// <summary>Counts a delivery or get on this channel and on the queue it came from.</summary>
    private void Count(Queue queue, MessageCounter counter, bool redelivered)
    {
        Counters.Increment(counter);
        queue.Counters.Increment(counter);
        if (redelivered)
        {
            Counters.Increment(MessageCounter.Redeliver);
            queue.Counters.Increment(MessageCounter.Redeliver);
        }
    }
}
