using System.Buffers;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Publishing;
using AmqpBroker.Core.Sessions;
using AmqpBroker.Core.Statistics;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Server.Channels;

/// <summary>
/// One open AMQP channel: dispatches its methods by class to the handlers in the partial files
/// (<c>AmqpChannel.Basic.cs</c>, <c>.Queue.cs</c>, <c>.Exchange.cs</c>, <c>.Confirm.cs</c>, <c>.Tx.cs</c>),
/// assembles published content, and closes itself on a soft error. Runs on its connection's read loop.
/// </summary>
internal sealed partial class AmqpChannel
{
    private readonly ChannelContext _context;
    private readonly ContentAssembler _content;
    private readonly Publisher _publisher;
    private readonly PublisherConfirms _confirms;
    private readonly DirectReplyConsumer _directReplies;
    private bool _closing;
    private int _timedOut;

    public AmqpChannel(ChannelContext context, ushort number)
    {
        _context = context;
        Number = number;
        var broker = context.Broker;
        Session = new Session(context.Client, number, new ChannelDeliveryTarget(context.Writer, number, context.CancelNotify), broker.MessageTotals, broker.Time)
        {
            Tracer = context.VirtualHost.Tracer,
        };
        _content = new ContentAssembler(broker.Settings.MaxMessageSize);
        _publisher = broker.CreatePublisher(context.VirtualHost, context.Access, Session.Counters, context.Client, number);
        _confirms = new PublisherConfirms(context.Writer, broker.Messages, number, Session.Counters, context.Client.ForceClose);
        _directReplies = new DirectReplyConsumer(broker.DirectReplies, Session);
        _publishNow = PublishNow;
    }

    public ushort Number { get; }

    public Session Session { get; }

    public bool IsClosed { get; private set; }

    /// <summary>channel.close was sent; only its answer is awaited.</summary>
    public bool IsClosing => _closing;

    /// <summary>The method whose content is being received (basic.publish, mostly), or 0 between messages.</summary>
    public uint ContentCommand => _content.Command;

    /// <summary>
    /// A method frame for this channel. A soft error it raises is the caller's to pass to <see cref="Close"/>
    /// (the connection maps every error of its frames in one place).
    /// </summary>
    public void HandleMethod(uint commandId, ref AmqpReader reader)
    {
        if (_closing)
        {
            HandleMethodWhileClosing(commandId);
            return;
        }

        _content.CheckMethodAllowed();
        switch (commandId >> 16)
        {
            case 20:
                HandleChannelClassMethod(commandId, ref reader);
                break;
            case 30 when commandId == CommandIds.AccessRequest:
                // RabbitMQ still answers the 0-8 access class, with ticket 1.
                Decode<AccessRequest>(ref reader);
                Send(new AccessRequestOk { Ticket = 1 });
                break;
            case 40:
                HandleExchangeMethod(commandId, ref reader);
                break;
            case 50:
                HandleQueueMethod(commandId, ref reader);
                break;
            case 60:
                HandleBasicMethod(commandId, ref reader);
                break;
            case 85:
                HandleConfirmMethod(commandId, ref reader);
                break;
            case 90:
                HandleTxMethod(commandId, ref reader);
                break;
            default:
                throw UnsupportedMethod(commandId);
        }
    }

    /// <summary>A content header or body frame of the message being published.</summary>
    public void HandleContent(bool isHeader, ReadOnlySequence<byte> payload)
    {
        if (_closing)
        {
            return;
        }

        var command = _content.Command;
        var message = isHeader ? _content.OnHeader(payload) : _content.OnBody(payload);
        if (message is null)
        {
            return;
        }

        if (command != CommandIds.BasicPublish)
        {
            message.Release();
            throw UnsupportedMethod(command);
        }

        OnMessageComplete(message);
    }

    /// <summary>A soft error: the channel's work is dropped and channel.close sent; only close-ok is awaited now.</summary>
    public void Close(AmqpException error, ushort classId, ushort methodId)
    {
        ChannelLog.ChannelError(_context.Logger, _context.Client.Name, Number, (ushort)error.Code, error.Message);
        Shutdown();
        Send(new ChannelClose { ReplyCode = (ushort)error.Code, ReplyText = error.ReplyText, ClassId = classId, MethodId = methodId });
        _closing = true;
    }

    /// <summary>The tick found a delivery past the consumer timeout: true the first time, until <see cref="ClearTimedOut"/>.</summary>
    public bool TryMarkTimedOut() => Interlocked.Exchange(ref _timedOut, 1) == 0;

    /// <summary>The timed-out consumer was cancelled and the channel lives on: its other deliveries are watched again.</summary>
    public void ClearTimedOut() => Volatile.Write(ref _timedOut, 0);

    /// <summary>
    /// After our channel.close only its close-ok releases the channel, as in RabbitMQ (rabbit_channel, state
    /// closing): a channel.close the client sent as ours crossed it is answered with close-ok and the channel
    /// keeps waiting for the close-ok the client still owes; channel.open is a second open (504, a connection
    /// error); anything else is dropped.
    /// </summary>
    private void HandleMethodWhileClosing(uint commandId)
    {
        switch (commandId)
        {
            case CommandIds.ChannelCloseOk:
                IsClosed = true;
                break;
            case CommandIds.ChannelClose:
                Send(new ChannelCloseOk());
                break;
            case CommandIds.ChannelOpen:
                throw SecondOpen();
        }
    }

    private static AmqpException SecondOpen() => AmqpException.ChannelError("second 'channel.open' seen");

    /// <summary>What the admin API shows of this channel.</summary>
    public ChannelSnapshot Snapshot() => new(
        Session,
        _confirms.Enabled,
        _transaction is not null,
        _transaction?.PublishCount ?? 0,
        _transaction?.SettlementCount ?? 0,
        _confirms.Unconfirmed);

    /// <summary>Decodes a method only to check its arguments (generic code reaches the static Read of a method that has a field named Read).</summary>
    private static void Decode<T>(ref AmqpReader reader)
        where T : struct, IAmqpMethod<T> => T.Read(ref reader);

    private void Send<T>(in T method)
        where T : struct, IAmqpMethod<T> => _context.Writer.EnqueueMethod(Number, method);

    /// <summary>
    /// A known method a client has no business sending here (a server's reply, a connection method, a close-ok
    /// without our close) is RabbitMQ's "unimplemented method"; an unknown one is not implemented.
    /// </summary>
    private static AmqpException UnsupportedMethod(uint commandId) =>
        CommandInfo.IsKnown(commandId)
            ? AmqpException.CommandInvalid("unimplemented method")
            : AmqpException.NotImplemented($"unknown method {CommandInfo.GetName(commandId)}");

    private void HandleChannelClassMethod(uint commandId, ref AmqpReader reader)
    {
        switch (commandId)
        {
            case CommandIds.ChannelOpen:
                ChannelOpen.Read(ref reader);
                throw SecondOpen();
            case CommandIds.ChannelClose:
                ChannelClose.Read(ref reader);
                Shutdown();
                Send(new ChannelCloseOk());
                IsClosed = true;
                break;
            case CommandIds.ChannelFlow:
                // RabbitMQ no longer lets clients pause deliveries (consumers use prefetch instead).
                if (!ChannelFlow.Read(ref reader).Active)
                {
                    throw AmqpException.NotImplemented("active=false");
                }

                Send(new ChannelFlowOk { Active = true });
                break;
            default:
                throw UnsupportedMethod(commandId);
        }
    }

    /// <summary>A test fault may refuse this declare (<see cref="Core.Testing.Faults.BrokerFaults.RefuseDeclares"/>).</summary>
    private void CheckDeclareFaults(string? queue)
    {
        if (_context.Broker.Faults.IsArmed)
        {
            _context.Broker.Faults.CheckDeclare(_context.VirtualHost.Name, _context.Client, Number, queue);
        }
    }

    private void Shutdown()
    {
        _directReplies.Stop();
        _content.Reset();
        _confirms.Close();
        _transaction?.Rollback(Session);
        Session.Close();
    }
}
