using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Sessions;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// A queue: ready messages in order, the consumers it delivers to round-robin while they have credit,
/// and the count of messages delivered but not settled. All of it is guarded by this queue's lock alone;
/// delivery happens on whichever thread made progress possible (a publish, an ack, a new consumer).
/// </summary>
public sealed class Queue : IBindingDestination
{
    private readonly Lock _lock = new();
    private readonly ReadyMessages _ready = new();
    private readonly List<Consumer> _consumers = [];
    private int _nextConsumer;
    private long _nextSequence;
    private int _unacked;
    private bool _hadConsumer;

    private readonly Action<Queue> _autoDelete;

    internal Queue(QueueDefinition definition, ClientConnection? exclusiveOwner, Action<Queue> autoDelete)
    {
        Definition = definition;
        ExclusiveOwner = exclusiveOwner;
        _autoDelete = autoDelete;
    }

    public QueueDefinition Definition { get; }

    public string Name => Definition.Name;

    public ClientConnection? ExclusiveOwner { get; }

    public bool IsDeleted { get; private set; }

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

    /// <summary>Throws 405 RESOURCE_LOCKED when the queue is exclusive to another connection.</summary>
    public void CheckAccess(ClientConnection connection)
    {
        if (ExclusiveOwner is not null && !ReferenceEquals(ExclusiveOwner, connection))
        {
            throw AmqpException.ResourceLocked($"cannot obtain exclusive access to locked queue '{Name}' in vhost '{Definition.VirtualHost}'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.");
        }
    }

    /// <summary>Takes a reference on <paramref name="message"/> and delivers it at once if a consumer has credit.</summary>
    public void Enqueue(Message message)
    {
        message.AddReference();
        lock (_lock)
        {
            var entry = new QueueEntry(message, _nextSequence++, Redelivered: false);
            if (IsDeleted)
            {
                message.Release();
                return;
            }

            if (_ready.Count == 0 && TryDeliverLocked(entry))
            {
                return;
            }

            _ready.Enqueue(entry);
        }
    }

    public bool TryTake(out QueueEntry entry, out uint remaining)
    {
        lock (_lock)
        {
            if (!_ready.TryDequeue(out entry))
            {
                remaining = 0;
                return false;
            }

            Interlocked.Increment(ref _unacked);
            remaining = (uint)_ready.Count;
            return true;
        }
    }

    /// <summary>An unacked delivery came back (nack/reject with requeue, channel closed): redeliver in its old place.</summary>
    public void Requeue(QueueEntry entry)
    {
        Interlocked.Decrement(ref _unacked);
        lock (_lock)
        {
            if (IsDeleted)
            {
                entry.Message.Release();
                return;
            }

            _ready.Requeue(entry.AsRedelivered());
        }
    }

    /// <summary>An unacked delivery was acked (or rejected without requeue): the queue lets go of it.</summary>
    public void Settle(QueueEntry entry)
    {
        Interlocked.Decrement(ref _unacked);
        entry.Message.Release();
    }

    /// <summary>Delivers ready messages for as long as some consumer has credit.</summary>
    public void Drain()
    {
        lock (_lock)
        {
            while (_ready.Count > 0 && _consumers.Count > 0)
            {
                _ready.TryDequeue(out var entry);
                if (!TryDeliverLocked(entry))
                {
                    _ready.Requeue(entry);
                    return;
                }
            }
        }
    }

    public void AddConsumer(Consumer consumer)
    {
        lock (_lock)
        {
            if (IsDeleted)
            {
                throw AmqpException.NotFound($"no queue '{Name}' in vhost '{Definition.VirtualHost}'");
            }

            if (consumer.Exclusive ? _consumers.Count > 0 : _consumers.Exists(static c => c.Exclusive))
            {
                throw AmqpException.AccessRefused($"queue '{Name}' in vhost '{Definition.VirtualHost}' in exclusive use");
            }

            _consumers.Add(consumer);
            _hadConsumer = true;
        }
    }

    /// <summary>Removes a consumer; an auto-delete queue that loses its last one deletes itself.</summary>
    public void RemoveConsumer(Consumer consumer)
    {
        bool lastGone;
        lock (_lock)
        {
            var index = _consumers.IndexOf(consumer);
            if (index < 0)
            {
                return;
            }

            _consumers.RemoveAt(index);
            if (_nextConsumer > index)
            {
                _nextConsumer--;
            }

            lastGone = _consumers.Count == 0 && _hadConsumer && Definition.AutoDelete && !IsDeleted;
        }

        if (lastGone)
        {
            _autoDelete(this);
        }
    }

    public uint Purge()
    {
        lock (_lock)
        {
            return (uint)_ready.Clear(static e => e.Message.Release());
        }
    }

    public bool IsUnused
    {
        get
        {
            lock (_lock)
            {
                return _consumers.Count == 0;
            }
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
            count = (uint)_ready.Clear(static e => e.Message.Release());
            consumers = [.. _consumers];
            _consumers.Clear();
        }

        foreach (var consumer in consumers)
        {
            consumer.Session.OnQueueDeleted(consumer);
        }

        return count;
    }

    private bool TryDeliverLocked(QueueEntry entry)
    {
        var count = _consumers.Count;
        for (var attempt = 0; attempt < count; attempt++)
        {
            if (_nextConsumer >= count)
            {
                _nextConsumer = 0;
            }

            var consumer = _consumers[_nextConsumer++];
            if (consumer.Session.TryDeliver(consumer, entry))
            {
                if (consumer.NoAck)
                {
                    entry.Message.Release();
                }
                else
                {
                    Interlocked.Increment(ref _unacked);
                }

                return true;
            }
        }

        return false;
    }
}
