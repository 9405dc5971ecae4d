using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Sessions;
using AmqpBroker.Server.Writing;

namespace AmqpBroker.Server.Channels;

/// <summary>
/// Where a channel's session sends deliveries, get-oks and server cancels: the connection writer, on the
/// channel's number. Server cancels go only to clients that announced the <c>consumer_cancel_notify</c>
/// capability, as in RabbitMQ (rabbit_channel:handle_consuming_queue_down_or_eol).
/// </summary>
internal sealed class ChannelDeliveryTarget(ConnectionWriter writer, ushort channel, bool cancelNotify) : IDeliveryTarget
{
    public bool CanAcceptDeliveries => writer.CanAcceptDeliveries;

    public void SendDeliver(string consumerTag, ulong deliveryTag, bool redelivered, Message message) =>
        writer.Enqueue(new OutgoingFrame(OutgoingKind.Deliver, channel, message, consumerTag, deliveryTag, redelivered));

    public void SendGetOk(ulong deliveryTag, bool redelivered, uint messageCount, Message message) =>
        writer.Enqueue(new OutgoingFrame(OutgoingKind.GetOk, channel, message, DeliveryTag: deliveryTag, Redelivered: redelivered, MessageCount: messageCount));

    public void SendCancel(string consumerTag)
    {
        if (cancelNotify)
        {
            writer.EnqueueServerCancel(channel, consumerTag);
        }
    }
}
