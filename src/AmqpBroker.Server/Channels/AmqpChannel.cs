using System.Buffers;
using AmqpBroker.Core;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.DirectReply;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.Sessions;
using AmqpBroker.Core.Statistics;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Methods;
using AmqpBroker.Server.Connections;
using AmqpBroker.Server.Writing;

namespace AmqpBroker.Server.Channels;

/// <summary>
/// One open AMQP channel: dispatches its methods to the command handlers, assembles published content,
/// and turns soft errors into channel.close. It is also the <see cref="IDeliveryTarget"/> through which
/// its session's deliveries reach the connection writer.
/// </summary>
internal sealed class AmqpChannel : IDeliveryTarget
{
    private readonly AmqpConnection _connection;
    private readonly ContentAssembler _content;
    private readonly RoutingScratch _routing = new();
    private readonly PublishAccessCheck _publishAccess;
    private Exchange? _lastExchange;
    private readonly Func<Message, bool, bool> _route;
    private string? _directReplyAddress;
    private string? _directReplyConsumerTag;
    private ulong _publishSequence;
    private readonly DurableReplies _durableReplies;
    private bool _commitNeedsSync;
    private bool _closing;

    public AmqpChannel(AmqpConnection connection, ushort number)
    {
        _connection = connection;
        Number = number;
        _content = new ContentAssembler(connection.Broker.Settings.MaxMessageSize);
        Session = new Session(connection.Client, number, this, connection.Broker.MessageTotals);
        _durableReplies = new DurableReplies(connection.Writer, connection.Broker.Messages, connection.ForceClose);
        _publishAccess = new PublishAccessCheck(connection.Access);
        _route = Route;
    }

    public ushort Number { get; }

    public Session Session { get; }

    public bool IsClosed { get; private set; }

    public bool ConfirmMode { get; private set; }

    /// <summary>Set once tx.select was received: publishes and acks then wait for tx.commit.</summary>
    public Transaction? Transaction { get; private set; }

    /// <summary>The queue this channel declared last: an empty queue name in later methods means it.</summary>
    public string? LastDeclaredQueue { get; set; }

    public ClientConnection Client => _connection.Client;

    /// <summary>The permissions every operation on this channel is checked against.</summary>
    public ResourceAccess Access => _connection.Access;

    public VirtualHost VirtualHost => _connection.VirtualHost;

    public DirectReplyRegistry DirectReplies => _connection.Broker.DirectReplies;

    public bool CanAcceptDeliveries => _connection.Writer.CanAcceptDeliveries;

    public void HandleMethod(uint commandId, ref AmqpReader reader)
    {
        if (_closing)
        {
            // After channel.close only its answer, or the client's own close, means anything.
            if (commandId is CommandIds.ChannelCloseOk or CommandIds.ChannelClose)
            {
                if (commandId == CommandIds.ChannelClose)
                {
                    Send(new ChannelCloseOk());
                }

                IsClosed = true;
            }

            return;
        }

        _content.CheckMethodAllowed(commandId);
        try
        {
            Dispatch(commandId, ref reader);
        }
        catch (AmqpException ex) when (!ex.IsConnectionError)
        {
            Close(ex, commandId);
        }
    }

    public void HandleContentHeader(ReadOnlySequence<byte> payload)
    {
        if (_closing)
        {
            return;
        }

        try
        {
            RouteIfComplete(_content.OnHeader(payload));
        }
        catch (AmqpException ex) when (!ex.IsConnectionError)
        {
            Close(ex, CommandIds.BasicPublish);
        }
    }

    public void HandleContentBody(ReadOnlySequence<byte> payload)
    {
        if (_closing)
        {
            return;
        }

        try
        {
            RouteIfComplete(_content.OnBody(payload));
        }
        catch (AmqpException ex) when (!ex.IsConnectionError)
        {
            Close(ex, CommandIds.BasicPublish);
        }
    }

    public void Send<T>(in T method)
        where T : struct, IAmqpMethod<T> => _connection.Writer.EnqueueMethod(Number, method);

    /// <summary>The queue named, or the last declared one when the name is empty (the spec's rule).</summary>
    public string ResolveQueueName(string name) =>
        name.Length > 0 ? name : LastDeclaredQueue ?? throw AmqpException.NotFound("no previously declared queue");

    public void BeginPublish(in BasicPublish publish) => _content.Begin(publish);

    /// <summary>basic.consume on amq.rabbitmq.reply-to: registers this channel's direct reply-to consumer.</summary>
    public string ConsumeDirectReplies(string requestedTag, bool noAck)
    {
        if (!noAck)
        {
            throw AmqpException.PreconditionFailed("reply consumer cannot acknowledge");
        }

        if (_directReplyAddress is not null)
        {
            throw AmqpException.PreconditionFailed("reply consumer already set");
        }

        _directReplyConsumerTag = requestedTag.Length > 0 ? requestedTag : $"amq.ctag-{Guid.NewGuid():N}";
        _directReplyAddress = DirectReplies.Register(Session, _directReplyConsumerTag);
        return _directReplyConsumerTag;
    }

    /// <summary>basic.cancel of the direct reply-to consumer; false when the tag is another consumer's.</summary>
    public bool CancelDirectReplies(string consumerTag)
    {
        if (_directReplyAddress is null || consumerTag != _directReplyConsumerTag)
        {
            return false;
        }

        DirectReplies.Unregister(_directReplyAddress);
        _directReplyAddress = _directReplyConsumerTag = null;
        return true;
    }

    public void EnableConfirms()
    {
        if (Transaction is not null)
        {
            throw AmqpException.PreconditionFailed("cannot switch from tx to confirm mode");
        }

        ConfirmMode = true;
    }

    public void BeginTransactions()
    {
        if (ConfirmMode)
        {
            throw AmqpException.PreconditionFailed("cannot switch from confirm to tx mode");
        }

        Transaction ??= new Transaction();
    }

    /// <summary>tx.commit: commit-ok goes out once the persistent messages it published are on disk.</summary>
    public void CommitTransaction()
    {
        _commitNeedsSync = false;
        RequireTransaction().Commit(_route);
        _durableReplies.Send(new OutgoingFrame(OutgoingKind.Encoded, Number, Encoded: ConnectionWriter.Encode(Number, new TxCommitOk())), _commitNeedsSync);
    }

    public void RollbackTransaction() => RequireTransaction().Rollback(Session);

    /// <summary>basic.ack / nack / reject: settled now, or at commit on a transactional channel.</summary>
    public void Settle(ulong deliveryTag, bool multiple, Settlement settlement)
    {
        if (Transaction is { } transaction)
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

    void IDeliveryTarget.SendDeliver(string consumerTag, ulong deliveryTag, bool redelivered, Message message) =>
        _connection.Writer.Enqueue(new OutgoingFrame(OutgoingKind.Deliver, Number, message, consumerTag, deliveryTag, redelivered));

    void IDeliveryTarget.SendGetOk(ulong deliveryTag, bool redelivered, uint messageCount, Message message) =>
        _connection.Writer.Enqueue(new OutgoingFrame(OutgoingKind.GetOk, Number, message, DeliveryTag: deliveryTag, Redelivered: redelivered, MessageCount: messageCount));

    void IDeliveryTarget.SendCancel(string consumerTag) => Send(new BasicCancel { ConsumerTag = consumerTag, NoWait = true });

    private void Dispatch(uint commandId, ref AmqpReader reader)
    {
        switch (commandId >> 16)
        {
            case 20:
                HandleChannelClassMethod(commandId, ref reader);
                break;
            case 40:
                ExchangeCommands.Handle(this, commandId, ref reader);
                break;
            case 50:
                QueueCommands.Handle(this, commandId, ref reader);
                break;
            case 60:
                BasicCommands.Handle(this, commandId, ref reader);
                break;
            case 85:
                ConfirmCommands.Handle(this, commandId, ref reader);
                break;
            case 90:
                TxCommands.Handle(this, commandId, ref reader);
                break;
            default:
                throw UnsupportedMethod(commandId);
        }
    }

    internal static AmqpException UnsupportedMethod(uint commandId) =>
        CommandInfo.IsKnown(commandId)
            ? AmqpException.CommandInvalid($"'{CommandInfo.GetName(commandId)}' is not valid on a channel")
            : AmqpException.NotImplemented($"unknown method {CommandInfo.GetName(commandId)}");

    private void HandleChannelClassMethod(uint commandId, ref AmqpReader reader)
    {
        switch (commandId)
        {
            case CommandIds.ChannelOpen:
                throw AmqpException.ChannelError($"second 'channel.open' seen on channel {Number}");
            case CommandIds.ChannelClose:
                ChannelClose.Read(ref reader);
                Shutdown();
                Send(new ChannelCloseOk());
                IsClosed = true;
                break;
            case CommandIds.ChannelCloseOk:
                // close-ok without our close: nothing to do.
                break;
            case CommandIds.ChannelFlow:
                // RabbitMQ no longer lets clients pause deliveries (consumers use prefetch instead).
                if (!ChannelFlow.Read(ref reader).Active)
                {
                    throw AmqpException.NotImplemented("active=false");
                }

                Send(new ChannelFlowOk { Active = true });
                break;
            case CommandIds.ChannelFlowOk:
                ChannelFlowOk.Read(ref reader);
                break;
            default:
                throw UnsupportedMethod(commandId);
        }
    }

    private void RouteIfComplete(Message? message)
    {
        if (message is null)
        {
            return;
        }

        if (Transaction is not { } transaction)
        {
            // Route checks the rules, resolves the exchange and releases the message whatever happens.
            Route(message, _content.Publish.Mandatory);
            return;
        }

        try
        {
            // A transactional publish is refused at once, not at commit, as RabbitMQ does.
            _publishAccess.Check(message.Exchange);
            PublishRules.Check(message, Client.User.Name);
            ResolveExchange(message.Exchange);
        }
        catch
        {
            message.Release();
            throw;
        }

        transaction.AddPublish(message, _content.Publish.Mandatory);
    }

    /// <summary>
    /// Routes a complete message (now, or at tx.commit), answers mandatory and confirms, and lets go of it.
    /// False when a queue refused it (x-overflow reject-publish).
    /// </summary>
    private bool Route(Message message, bool mandatory)
    {
        try
        {
            // RabbitMQ checks the write permission first, before the exchange is looked up.
            _publishAccess.Check(message.Exchange);
            PublishRules.Check(message, Client.User.Name);
            message = WithDirectReplyAddress(message);
            var exchange = ResolveExchange(message.Exchange);
            var rejected = false;
            var needsSync = false;
            int routed;
            if (exchange.Name.Length == 0 && DirectReplyRegistry.IsAddress(message.RoutingKey))
            {
                routed = DirectReplies.TryDeliver(message.RoutingKey, message) ? 1 : 0;
            }
            else
            {
                routed = VirtualHost.Publish(exchange, message, _routing, out rejected);
                needsSync = message.Summary.IsPersistent && ReachedDurableQueue();
            }

            CountPublish(routed, mandatory);
            if (routed == 0 && mandatory)
            {
                var basicReturn = new BasicReturn { ReplyCode = (ushort)ReplyCode.NoRoute, ReplyText = "NO_ROUTE", Exchange = message.Exchange, RoutingKey = message.RoutingKey };
                _connection.Writer.Enqueue(new OutgoingFrame(OutgoingKind.Encoded, Number, message, Encoded: ConnectionWriter.Encode(Number, basicReturn)));
            }

            if (ConfirmMode)
            {
                // A queue that refused the message (x-overflow reject-publish) makes the confirm a nack.
                _durableReplies.Send(new OutgoingFrame(rejected ? OutgoingKind.PublisherNack : OutgoingKind.PublisherAck, Number, DeliveryTag: ++_publishSequence), needsSync);
            }
            else if (Transaction is not null)
            {
                _commitNeedsSync |= needsSync;
            }

            return !rejected;
        }
        finally
        {
            message.Release();
        }
    }

    private bool ReachedDurableQueue()
    {
        foreach (var queue in _routing.Queues)
        {
            if (queue.IsDurable)
            {
                return true;
            }
        }

        return false;
    }

    private void CountPublish(int routed, bool mandatory)
    {
        var counters = Session.Counters;
        counters.Increment(MessageCounter.Publish);
        counters.Increment(routed > 0 ? MessageCounter.Routed : mandatory ? MessageCounter.ReturnUnroutable : MessageCounter.DropUnroutable);
        if (ConfirmMode)
        {
            counters.Increment(MessageCounter.Confirm);
        }
    }

    /// <summary>What the admin API shows of this channel.</summary>
    public ChannelSnapshot Snapshot() => new(
        Session,
        ConfirmMode,
        Transaction is not null,
        Transaction?.PublishCount ?? 0,
        Transaction?.SettlementCount ?? 0);

    /// <summary>A request whose reply_to is amq.rabbitmq.reply-to gets this channel's private reply address instead.</summary>
    private Message WithDirectReplyAddress(Message message)
    {
        if ((message.Summary.Flags & PropertyFlags.ReplyTo) == 0)
        {
            return message;
        }

        var properties = BasicProperties.Decode(message.Properties);
        if (properties.ReplyTo != DirectReplyRegistry.PseudoQueue)
        {
            return message;
        }

        properties.ReplyTo = _directReplyAddress ?? throw AmqpException.PreconditionFailed("fast reply consumer does not exist");
        var rewritten = Message.Create(message.Exchange, message.RoutingKey, properties.Encode(), message.Body);
        message.Release();
        return rewritten;
    }

    private Transaction RequireTransaction() =>
        Transaction ?? throw AmqpException.PreconditionFailed("channel is not transactional");

    private Exchange ResolveExchange(string name)
    {
        var exchange = _lastExchange;
        if (exchange is null || exchange.IsDeleted || exchange.Name != name)
        {
            exchange = _lastExchange = VirtualHost.GetExchange(name);
        }

        if (exchange.Definition.Internal)
        {
            throw AmqpException.AccessRefused($"cannot publish to internal exchange '{name}' in vhost '{VirtualHost.Name}'");
        }

        return exchange;
    }

    private void Close(AmqpException error, uint commandId)
    {
        ServerLog.ChannelError(_connection.Logger, _connection.Name, Number, (ushort)error.Code, error.Message);
        Shutdown();
        Send(new ChannelClose
        {
            ReplyCode = (ushort)error.Code,
            ReplyText = error.ReplyText,
            ClassId = (ushort)(commandId >> 16),
            MethodId = (ushort)commandId,
        });
        _closing = true;
    }

    private void Shutdown()
    {
        if (_directReplyConsumerTag is { } tag)
        {
            CancelDirectReplies(tag);
        }

        _content.Reset();
        _durableReplies.Close();
        Transaction?.Rollback(Session);
        Session.Close();
    }
}
