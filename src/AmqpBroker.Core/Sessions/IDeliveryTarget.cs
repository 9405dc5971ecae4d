using AmqpBroker.Core.Messages;

namespace AmqpBroker.Core.Sessions;

/// <summary>
/// Where a session's outgoing messages go: the server's AMQP channel, which hands them to its
/// connection's writer. Calls arrive on any thread, always under the session's lock, so they must only
/// enqueue, never block.
/// </summary>
public interface IDeliveryTarget
{
    /// <summary>False while the connection's writer is backed up or the client paused the channel with channel.flow.</summary>
    bool CanAcceptDeliveries { get; }

    void SendDeliver(string consumerTag, ulong deliveryTag, bool redelivered, Message message);

    void SendGetOk(ulong deliveryTag, bool redelivered, uint messageCount, Message message);

    /// <summary>basic.cancel from the server: the consumed queue went away (consumer cancel notification).</summary>
    void SendCancel(string consumerTag);
}
