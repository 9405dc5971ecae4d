using AmqpBroker.Core.Messages;

namespace AmqpBroker.Core.Sessions;

/// <summary>
/// Where a session's outgoing messages go: the server's AMQP channel, which hands them to its
/// connection's writer. Calls arrive on any thread, always under the session's lock, so they must only
/// enqueue, never block.
/// </summary>
public interface IDeliveryTarget
{
    /// <summary>False while the connection's writer is backed up (the client cannot pause a channel: channel.flow active=false is refused).</summary>
    bool CanAcceptDeliveries { get; }

    void SendDeliver(string consumerTag, ulong deliveryTag, bool redelivered, Message message);

    void SendGetOk(ulong deliveryTag, bool redelivered, uint messageCount, Message message);

    /// <summary>basic.cancel from the server: the consumed queue went away (consumer cancel notification).</summary>
    void SendCancel(string consumerTag);
}
