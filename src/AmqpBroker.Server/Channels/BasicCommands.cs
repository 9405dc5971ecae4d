using AmqpBroker.Core.DirectReply;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.Sessions;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Server.Channels;

/// <summary>The basic class: qos, consume, cancel, publish, get, ack, reject, nack, recover.</summary>
internal static class BasicCommands
{
    public static void Handle(AmqpChannel channel, uint commandId, ref AmqpReader reader)
    {
        var session = channel.Session;
        switch (commandId)
        {
            case CommandIds.BasicPublish:
                Publish(channel, BasicPublish.Read(ref reader));
                break;
            case CommandIds.BasicAck:
                var ack = BasicAck.Read(ref reader);
                channel.Settle(ack.DeliveryTag, ack.Multiple, Settlement.Ack);
                break;
            case CommandIds.BasicNack:
                var nack = BasicNack.Read(ref reader);
                channel.Settle(nack.DeliveryTag, nack.Multiple, nack.Requeue ? Settlement.Requeue : Settlement.Reject);
                break;
            case CommandIds.BasicReject:
                var reject = BasicReject.Read(ref reader);
                channel.Settle(reject.DeliveryTag, multiple: false, reject.Requeue ? Settlement.Requeue : Settlement.Reject);
                break;
            case CommandIds.BasicQos:
                Qos(channel, BasicQos.Read(ref reader));
                break;
            case CommandIds.BasicConsume:
                Consume(channel, BasicConsume.Read(ref reader));
                break;
            case CommandIds.BasicCancel:
                Cancel(channel, BasicCancel.Read(ref reader));
                break;
            case CommandIds.BasicGet:
                Get(channel, BasicGet.Read(ref reader));
                break;
            case CommandIds.BasicRecover:
                Recover(session, BasicRecover.Read(ref reader).Requeue);
                channel.Send(new BasicRecoverOk());
                break;
            case CommandIds.BasicRecoverAsync:
                Recover(session, BasicRecoverAsync.Read(ref reader).Requeue);
                break;
            default:
                throw AmqpChannel.UnsupportedMethod(commandId);
        }
    }

    /// <summary>RabbitMQ requeues every unacked delivery, and refuses requeue=false (redelivery to the same consumer).</summary>
    private static void Recover(Session session, bool requeue)
    {
        if (!requeue)
        {
            throw AmqpException.NotImplemented("requeue=false");
        }

        session.Recover();
    }

    private static void Publish(AmqpChannel channel, in BasicPublish publish)
    {
        if (publish.Immediate)
        {
            throw AmqpException.NotImplemented("immediate=true");
        }

        channel.BeginPublish(publish);
    }

    private static void Qos(AmqpChannel channel, BasicQos qos)
    {
        if (qos.PrefetchSize != 0)
        {
            throw AmqpException.NotImplemented($"prefetch_size!=0 ({qos.PrefetchSize})");
        }

        channel.Session.SetPrefetch(qos.PrefetchCount, qos.Global);
        channel.Send(new BasicQosOk());
    }

    private static void Consume(AmqpChannel channel, BasicConsume consume)
    {
        if (consume.Queue == DirectReplyRegistry.PseudoQueue)
        {
            var tag = channel.ConsumeDirectReplies(consume.ConsumerTag, consume.NoAck);
            if (!consume.NoWait)
            {
                channel.Send(new BasicConsumeOk { ConsumerTag = tag });
            }

            return;
        }

        var name = channel.ResolveQueueName(consume.Queue);
        channel.Access.Check(AccessKind.Read, ResourceKind.Queue, name);
        var queue = channel.VirtualHost.GetQueue(name, channel.Client);
        var consumer = channel.Session.Consume(queue, consume.ConsumerTag, consume.NoAck, consume.Exclusive, consume.Arguments);
        if (!consume.NoWait)
        {
            channel.Send(new BasicConsumeOk { ConsumerTag = consumer.Tag });
        }

        Session.Activate(consumer);
    }

    private static void Cancel(AmqpChannel channel, BasicCancel cancel)
    {
        if (!channel.CancelDirectReplies(cancel.ConsumerTag))
        {
            channel.Session.Cancel(cancel.ConsumerTag);
        }

        if (!cancel.NoWait)
        {
            channel.Send(new BasicCancelOk { ConsumerTag = cancel.ConsumerTag });
        }
    }

    private static void Get(AmqpChannel channel, BasicGet get)
    {
        var name = channel.ResolveQueueName(get.Queue);
        channel.Access.Check(AccessKind.Read, ResourceKind.Queue, name);
        var queue = channel.VirtualHost.GetQueue(name, channel.Client);
        if (!channel.Session.Get(queue, get.NoAck))
        {
            channel.Send(new BasicGetEmpty());
        }
    }
}
