using AmqpBroker.Core.DirectReply;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Publishing;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.Sessions;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Methods;
using AmqpBroker.Server.Writing;

namespace AmqpBroker.Server.Channels;

/// <summary>The basic class: qos, consume, cancel, publish, get, ack, reject, nack, recover.</summary>
internal sealed partial class AmqpChannel
{
    private void HandleBasicMethod(uint commandId, ref AmqpReader reader)
    {
        switch (commandId)
        {
            case CommandIds.BasicPublish:
                BeginPublish(BasicPublish.Read(ref reader));
                break;
            case CommandIds.BasicAck:
                var ack = BasicAck.Read(ref reader);
                Settle(ack.DeliveryTag, ack.Multiple, Settlement.Ack);
                break;
            case CommandIds.BasicNack:
                var nack = BasicNack.Read(ref reader);
                Settle(nack.DeliveryTag, nack.Multiple, nack.Requeue ? Settlement.Requeue : Settlement.Reject);
                break;
            case CommandIds.BasicReject:
                var reject = BasicReject.Read(ref reader);
                Settle(reject.DeliveryTag, multiple: false, reject.Requeue ? Settlement.Requeue : Settlement.Reject);
                break;
            case CommandIds.BasicQos:
                Qos(BasicQos.Read(ref reader));
                break;
            case CommandIds.BasicConsume:
                Consume(BasicConsume.Read(ref reader));
                break;
            case CommandIds.BasicCancel:
                Cancel(BasicCancel.Read(ref reader));
                break;
            case CommandIds.BasicGet:
                Get(BasicGet.Read(ref reader));
                break;
            case CommandIds.BasicRecover:
                Recover(BasicRecover.Read(ref reader).Requeue);
                Send(new BasicRecoverOk());
                break;
            case CommandIds.BasicRecoverAsync:
                Recover(BasicRecoverAsync.Read(ref reader).Requeue);
                break;
            case CommandIds.BasicDeliver or CommandIds.BasicGetOk or CommandIds.BasicReturn:
                ReadUnsolicited(commandId, ref reader);
                _content.BeginUnsolicited(commandId);
                break;
            default:
                throw UnsupportedMethod(commandId);
        }
    }

    /// <summary>Decodes a server-only content method's arguments, which must be well formed before its content is taken.</summary>
    private static void ReadUnsolicited(uint commandId, ref AmqpReader reader)
    {
        _ = commandId switch
        {
            CommandIds.BasicDeliver => BasicDeliver.Read(ref reader).DeliveryTag,
            CommandIds.BasicGetOk => BasicGetOk.Read(ref reader).DeliveryTag,
            _ => BasicReturn.Read(ref reader).ReplyCode,
        };
    }

    private void BeginPublish(in BasicPublish publish)
    {
        if (publish.Immediate)
        {
            throw AmqpException.NotImplemented("immediate=true");
        }

        _content.Begin(publish);
    }

    /// <summary>The published message is complete: published now, or held until tx.commit on a transactional channel.</summary>
    private void OnMessageComplete(Message message)
    {
        var mandatory = _content.Publish.Mandatory;
        if (_transaction is not { } transaction)
        {
            PublishNow(message, mandatory);
            return;
        }

        try
        {
            // A transactional publish is refused at once, not at commit, as RabbitMQ does.
            _publisher.Check(message);
        }
        catch
        {
            message.Release();
            throw;
        }

        transaction.AddPublish(message, mandatory);
    }

    /// <summary>Publishes through Core's pipeline and answers: basic.return, then the confirm. False when a queue refused the message.</summary>
    private bool PublishNow(Message message, bool mandatory)
    {
        var outcome = _publisher.Publish(new PublishRequest(message, mandatory, _directReplies.Address));
        if (outcome.QueueCaughtUp is { } caughtUp)
        {
            _context.Flow.OnQueueBehind(caughtUp);
        }

        if (outcome.Returned is { } returned)
        {
            var basicReturn = new BasicReturn { ReplyCode = (ushort)ReplyCode.NoRoute, ReplyText = "NO_ROUTE", Exchange = returned.Exchange, RoutingKey = returned.RoutingKey };
            _context.Writer.Enqueue(new OutgoingFrame(OutgoingKind.Encoded, Number, returned, Encoded: ConnectionWriter.Encode(Number, basicReturn)));
            returned.Release();
        }

        if (_confirms.Enabled)
        {
            _confirms.Confirm(outcome);
        }
        else if (_transaction is not null)
        {
            _commitNeedsSync |= outcome.NeedsSync;
        }

        return !outcome.Rejected;
    }

    /// <summary>basic.ack / nack / reject: settled now, or at commit on a transactional channel.</summary>
    private void Settle(ulong deliveryTag, bool multiple, Settlement settlement)
    {
        if (_transaction is { } transaction)
        {
            transaction.AddSettlement(Session, deliveryTag, multiple, settlement);
        }
        else if (settlement == Settlement.Ack)
        {
            Session.Ack(deliveryTag, multiple);
        }
        else
        {
            Session.Reject(deliveryTag, multiple, settlement == Settlement.Requeue);
        }
    }

    /// <summary>RabbitMQ requeues every unacked delivery, and refuses requeue=false (redelivery to the same consumer).</summary>
    private void Recover(bool requeue)
    {
        if (!requeue)
        {
            throw AmqpException.NotImplemented("requeue=false");
        }

        Session.Recover();
    }

    private void Qos(BasicQos qos)
    {
        if (qos.PrefetchSize != 0)
        {
            throw AmqpException.NotImplemented($"prefetch_size!=0 ({qos.PrefetchSize})");
        }

        // While global QoS is not permitted (4.3's default) global=true is served as a per-consumer limit
        // (rabbit_channel:handle_method(#'basic.qos'{global = true}) at v4.3.0).
        var global = qos.Global && DeprecatedFeature.GlobalQosOf(_context.Broker.Settings).IsPermitted;
        Session.SetPrefetch(qos.PrefetchCount, global);
        Send(new BasicQosOk());
    }

    private void Consume(BasicConsume consume)
    {
        if (consume.Queue == DirectReplyRegistry.PseudoQueue)
        {
            var tag = _directReplies.Consume(consume.ConsumerTag, consume.NoAck);
            if (!consume.NoWait)
            {
                Send(new BasicConsumeOk { ConsumerTag = tag });
            }

            return;
        }

        var queue = GetReadableQueue(consume.Queue);
        if (_context.Broker.Settings.Strict)
        {
            StrictArguments.CheckConsume(_context.Broker.Settings.Profile, queue, consume.Arguments);
        }

        var consumer = Session.Consume(queue, consume.ConsumerTag, consume.NoAck, consume.Exclusive, consume.Arguments);
        if (!consume.NoWait)
        {
            Send(new BasicConsumeOk { ConsumerTag = consumer.Tag });
        }

        Session.Activate(consumer);
    }

    private void Cancel(BasicCancel cancel)
    {
        if (!_directReplies.Cancel(cancel.ConsumerTag))
        {
            Session.Cancel(cancel.ConsumerTag);
        }

        if (!cancel.NoWait)
        {
            Send(new BasicCancelOk { ConsumerTag = cancel.ConsumerTag });
        }
    }

    private void Get(BasicGet get)
    {
        if (!Session.Get(GetReadableQueue(get.Queue), get.NoAck))
        {
            Send(new BasicGetEmpty());
        }
    }

    /// <summary>The queue named (or last declared) for consume, get and purge: read permission, then existence and exclusivity.</summary>
    private Core.Queues.Queue GetReadableQueue(string requestedName)
    {
        var name = ResolveQueueName(requestedName);
        _context.Access.Check(AccessKind.Read, ResourceKind.Queue, name);
        return _context.VirtualHost.GetQueue(name, _context.Client);
    }
}
