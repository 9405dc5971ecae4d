using AmqpBroker.Core.Arguments;
using AmqpBroker.Core.Queues;

namespace AmqpBroker.Core.Sessions;

/// <summary>A basic.consume subscription: which session receives which queue's messages, and its credit.</summary>
public sealed class Consumer
{
    private int _unacked;
    private volatile bool _active;

    internal Consumer(Session session, Queue queue, string tag, bool noAck, bool exclusive, ushort prefetchCount, IReadOnlyDictionary<string, object?> arguments)
    {
        Session = session;
        Queue = queue;
        Tag = tag;
        NoAck = noAck;
        Exclusive = exclusive;
        PrefetchCount = prefetchCount;
        Arguments = arguments;
        Priority = ParsePriority(arguments, queue);
    }

    public Session Session { get; }

    public Queue Queue { get; }

    public string Tag { get; }

    public bool NoAck { get; }

    public bool Exclusive { get; }

    /// <summary>This consumer's own prefetch limit (basic.qos with global = false); 0 is unlimited.</summary>
    public ushort PrefetchCount { get; }

    public IReadOnlyDictionary<string, object?> Arguments { get; }

    /// <summary>x-priority: consumers of higher priority receive first while they have credit.</summary>
    public long Priority { get; }

    public int Unacked => Volatile.Read(ref _unacked);

    /// <summary>False until basic.consume-ok is on its way, so no delivery can overtake it.</summary>
    internal bool IsActive => _active;

    internal bool HasOwnCredit => NoAck || PrefetchCount == 0 || Unacked < PrefetchCount;

    internal void Activate() => _active = true;

    internal void OnDelivered()
    {
        Interlocked.Increment(ref _unacked);
        Session.OnConsumerDelivery(+1);
    }

    internal void OnSettled()
    {
        Interlocked.Decrement(ref _unacked);
        Session.OnConsumerDelivery(-1);
    }

    private static long ParsePriority(IReadOnlyDictionary<string, object?> arguments, Queue queue) => arguments.GetValueOrDefault("x-priority") switch
    {
        null => 0,
        var value when IntegerValues.TryGet(value, out var priority) => priority,
        var other => throw Errors.AmqpException.PreconditionFailed(
            $"invalid arg 'x-priority' for queue '{queue.Name}' in vhost '{queue.Definition.VirtualHost}': \"expected integer, got {ErlangTerms.TypeName(other)}\""),
    };
}
