namespace AmqpBroker.Core.Sessions;

/// <summary>
/// basic.qos of one channel: the prefetch each consumer created from now on gets (global = false), and the
/// limit all the channel's consumers share (global = true), measured against their deliveries not yet
/// settled. Deliveries for basic.get do not count against it, as in RabbitMQ.
/// </summary>
internal sealed class Prefetch
{
    private int _consumerUnacked;

    public ushort ConsumerLimit { get; private set; }

    public ushort ChannelLimit { get; private set; }

    /// <summary>Whether the shared limit is reached: a consumer that must ack gets nothing more until a settle.</summary>
    public bool IsChannelFull => ChannelLimit != 0 && Volatile.Read(ref _consumerUnacked) >= ChannelLimit;

    public void Set(ushort count, bool global)
    {
        if (global)
        {
            ChannelLimit = count;
        }
        else
        {
            ConsumerLimit = count;
        }
    }

    /// <summary>A consumer delivery that must be acked was made (+1) or settled (-1).</summary>
    public void OnConsumerDelivery(int change) => Interlocked.Add(ref _consumerUnacked, change);
}
