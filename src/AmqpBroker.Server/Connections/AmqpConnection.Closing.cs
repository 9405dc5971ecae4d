using System.Buffers;
using System.Buffers.Binary;
using AmqpBroker.Core.Errors;
using AmqpBroker.Protocol.Framing;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Server.Connections;

/// <summary>The end of a connection: our connection.close, the drain after our close-ok, and letting go of the broker's state.</summary>
internal sealed partial class AmqpConnection
{
    /// <summary>Sends connection.close; from then on only close-ok (or a timeout) ends the connection.</summary>
    private void CloseConnection(ReplyCode code, string text, ushort classId, ushort methodId)
    {
        if (_state is ConnectionState.Closing or ConnectionState.Draining or ConnectionState.Closed)
        {
            return;
        }

        ConnectionLog.ConnectionError(_logger, LogName, (ushort)code, text);
        _writer.EnqueueMethod(0, new ConnectionClose { ReplyCode = (ushort)code, ReplyText = text, ClassId = classId, MethodId = methodId });
        _deadlines.OnClosing(_broker.Time.GetUtcNow());
        _state = ConnectionState.Closing;
        _channels.CloseAll();
    }

    /// <summary>
    /// Answers a connection.close with close-ok once the connection's channels are shut down (as rabbit_reader
    /// does), then keeps reading: a client may still be writing what it sent before its close, and a socket
    /// closed under it would fail those writes (EPIPE, reset). The broker is done with the connection already.
    /// </summary>
    private void BeginDraining()
    {
        Release();
        _writer.EnqueueMethod(0, new ConnectionCloseOk());
        _deadlines.OnDraining(_broker.Time.GetUtcNow(), _handshake.HeartbeatSeconds);
        _state = ConnectionState.Draining;
    }

    /// <summary>
    /// After our close-ok, RabbitMQ drops every frame but these on channel 0: another connection.close gets
    /// another close-ok, a connection.close-ok ends the connection (rabbit_reader, state closed).
    /// </summary>
    private void OnFrameWhileDraining(in Frame frame)
    {
        Span<byte> ids = stackalloc byte[4];
        if (frame.Type != FrameType.Method || frame.Channel != 0 || frame.Payload.Length < ids.Length)
        {
            return;
        }

        frame.Payload.Slice(0, ids.Length).CopyTo(ids);
        switch (BinaryPrimitives.ReadUInt32BigEndian(ids))
        {
            case CommandIds.ConnectionClose:
                _writer.EnqueueMethod(0, new ConnectionCloseOk());
                break;
            case CommandIds.ConnectionCloseOk:
                _state = ConnectionState.Closed;
                break;
        }
    }

    private void Shutdown()
    {
        _state = ConnectionState.Closed;
        Release();
    }

    /// <summary>Closes the channels and tells the broker the connection is gone (its exclusive queues go); once.</summary>
    private void Release()
    {
        _channels.CloseAll();
        if (_channelContext?.Client is { } client && !_released)
        {
            _released = true;
            _broker.OnConnectionClosed(client);
            ConnectionLog.ConnectionClosed(_logger, LogName);
        }
    }
}
