namespace AmqpBroker.Core.Statistics;

/// <summary>The message events counted for the admin API and metrics (RabbitMQ's message_stats fields).</summary>
public enum MessageCounter
{
    /// <summary>A message published (on a channel) or enqueued (in a queue).</summary>
    Publish,

    /// <summary>A publish that reached at least one queue.</summary>
    Routed,

    /// <summary>A publisher confirm (basic.ack or basic.nack) sent.</summary>
    Confirm,

    /// <summary>An unroutable mandatory message returned to its publisher.</summary>
    ReturnUnroutable,

    /// <summary>An unroutable message dropped.</summary>
    DropUnroutable,

    /// <summary>A delivery to a consumer that must acknowledge it.</summary>
    Deliver,

    /// <summary>A delivery to a no-ack consumer.</summary>
    DeliverNoAck,

    /// <summary>A basic.get answered with a message that must be acknowledged.</summary>
    Get,

    /// <summary>A no-ack basic.get answered with a message.</summary>
    GetNoAck,

    /// <summary>A basic.get answered with get-empty.</summary>
    GetEmpty,

    /// <summary>A delivery or get of a message delivered before.</summary>
    Redeliver,

    /// <summary>A delivery acknowledged.</summary>
    Ack,
}

/// <summary>
/// Monotonic counts of message events for one object (a queue, a channel, the whole broker). Counting is
/// one interlocked increment per event; a counter set with a parent also counts into it, which is how
/// channel counts roll up into the broker's totals.
/// </summary>
public sealed class MessageCounters(MessageCounters? parent = null)
{
    private static readonly int CounterCount = Enum.GetValues<MessageCounter>().Length;

    private readonly long[] _counts = new long[CounterCount];

    public long this[MessageCounter counter] => Volatile.Read(ref _counts[(int)counter]);

    public void Increment(MessageCounter counter)
    {
        Interlocked.Increment(ref _counts[(int)counter]);
        parent?.Increment(counter);
    }

    public void Add(MessageCounter counter, long amount)
    {
        if (amount == 0)
        {
            return;
        }

        Interlocked.Add(ref _counts[(int)counter], amount);
        parent?.Add(counter, amount);
    }
}
