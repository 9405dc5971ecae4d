using System.Buffers;
using System.Buffers.Binary;
using AmqpBroker.Core.Errors;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Framing;
using AmqpBroker.Protocol.Methods;
using AmqpBroker.Server.Channels;

namespace AmqpBroker.Server.Connections;

/// <summary>Frame demultiplexing: channel 0's methods here, every other channel's frames to its <see cref="AmqpChannel"/>.</summary>
internal sealed partial class AmqpConnection
{
    /// <summary>Class id, weight and body size: the part of a content header before its property flags.</summary>
    private const int ContentHeaderFixedSize = 12;

    /// <summary>
    /// Handles the complete frames at the start of <paramref name="buffer"/> (advancing it past them) until the
    /// connection closes, blocks, is in flow or has spent its <see cref="ReadBudget"/>. True when it stopped only
    /// because no complete frame is left.
    /// </summary>
    private bool HandleFrames(ref ReadOnlySequence<byte> buffer)
    {
        var budget = new ReadBudget();
        while (_state != ConnectionState.Closed && !_blocking.IsBlocked && !_flow.IsThrottled && !budget.IsSpent)
        {
            if (!FrameReader.TryReadFrame(ref buffer, _handshake.PayloadLimit, out var frame))
            {
                return true;
            }

            budget.Spend(frame.Payload.Length);
            _heartbeat.OnFrameReceived();
            if (_recording.IsOn)
            {
                _recording.Received(frame.Type, frame.Channel, frame.Payload);
            }

            if (_state == ConnectionState.Draining)
            {
                OnFrameWhileDraining(frame);
            }
            else
            {
                HandleFrame(frame);
            }
        }

        return false;
    }

    private void HandleMethodFrame(in Frame frame, out ushort classId, out ushort methodId)
    {
        var payload = frame.Payload;
        var length = (int)payload.Length;
        if (length < 4)
        {
            throw AmqpException.FrameError($"method frame of {length} bytes is too short");
        }

        byte[]? rented = null;
        ReadOnlySpan<byte> span;
        if (payload.IsSingleSegment)
        {
            span = payload.FirstSpan;
        }
        else
        {
            rented = ArrayPool<byte>.Shared.Rent(length);
            payload.CopyTo(rented);
            span = rented.AsSpan(0, length);
        }

        try
        {
            classId = BinaryPrimitives.ReadUInt16BigEndian(span);
            methodId = BinaryPrimitives.ReadUInt16BigEndian(span[2..]);
            var commandId = ((uint)classId << 16) | methodId;
            var reader = new AmqpReader(span[4..], _strings);
            if (frame.Channel == 0)
            {
                HandleConnectionMethod(commandId, ref reader);
            }
            else
            {
                HandleChannelMethod(frame.Channel, commandId, ref reader);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private void HandleConnectionMethod(uint commandId, ref AmqpReader reader)
    {
        switch (_state)
        {
            case ConnectionState.Handshake:
                _handshake.Handle(commandId, ref reader);
                if (_handshake.Stage == HandshakeStage.Complete)
                {
                    OnOpened();
                }

                return;
            case ConnectionState.Closing:
                // After sending connection.close only its answer counts; a close crossing ours is answered
                // with close-ok, after which RabbitMQ waits for the peer to close its side.
                if (commandId == CommandIds.ConnectionCloseOk)
                {
                    _state = ConnectionState.Closed;
                }
                else if (commandId == CommandIds.ConnectionClose)
                {
                    BeginDraining();
                }

                return;
        }

        switch (commandId)
        {
            case CommandIds.ConnectionClose:
                var close = ConnectionClose.Read(ref reader);
                ConnectionLog.ClientClosed(_logger, LogName, close.ReplyCode, close.ReplyText);
                BeginDraining();
                return;
            case CommandIds.ConnectionUpdateSecret:
                // The internal user store keeps no per-connection credential that could expire, so a new
                // secret is accepted as RabbitMQ's internal backend accepts it.
                ConnectionUpdateSecret.Read(ref reader);
                _writer.EnqueueMethod(0, new ConnectionUpdateSecretOk());
                return;
            default:
                // Every other known method, an unsolicited close-ok included, is RabbitMQ's "unexpected method".
                throw CommandInfo.IsKnown(commandId)
                    ? AmqpException.ChannelError("unexpected method in connection state running")
                    : AmqpException.NotImplemented($"unknown method {CommandInfo.GetName(commandId)}");
        }
    }

    private void HandleChannelMethod(ushort channelNumber, uint commandId, ref AmqpReader reader)
    {
        if (_state == ConnectionState.Closing)
        {
            return;
        }

        var channel = _channels.Find(channelNumber);
        if (channel is null)
        {
            if (commandId != CommandIds.ChannelOpen)
            {
                // RabbitMQ's words exactly; it says the same to a late close-ok on a channel already released.
                throw AmqpException.ChannelError("expected 'channel.open'");
            }

            ChannelOpen.Read(ref reader);
            OpenChannel(channelNumber);
            return;
        }

        channel.HandleMethod(commandId, ref reader);
        if (channel.IsClosed)
        {
            _channels.Remove(channelNumber);
        }
    }

    private void HandleContentFrame(in Frame frame)
    {
        if (_state == ConnectionState.Closing)
        {
            return;
        }

        if (frame.Channel == 0)
        {
            throw AmqpException.UnexpectedFrame(Describe(frame));
        }

        // RabbitMQ cannot even tell a header shorter than its fixed part (class, weight, body size) from garbage.
        if (frame.Type == FrameType.Header && frame.Payload.Length < ContentHeaderFixedSize)
        {
            throw AmqpException.FrameError($"{Describe(frame)}: unknown_frame");
        }

        var channel = _channels.Find(frame.Channel)
            ?? throw AmqpException.UnexpectedFrame("expected method frame, got non method frame instead"); // RabbitMQ's text
        channel.HandleContent(frame.Type == FrameType.Header, frame.Payload);
        if (_state == ConnectionState.Open)
        {
            _blocking.BlockIfAlarmed();
        }
    }

    private void OpenChannel(ushort channelNumber)
    {
        if (_channels.Count >= _handshake.ChannelMax)
        {
            throw AmqpException.NotAllowed($"number of channels opened ({_channels.Count}) has reached the negotiated channel_max ({_handshake.ChannelMax})");
        }

        _broker.CheckChannelLimits(_channelContext!.Client.User.Name);
        _channels.Add(new AmqpChannel(_channelContext!, channelNumber));
        _writer.EnqueueMethod(channelNumber, new ChannelOpenOk());
    }
}
