using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net;
using AmqpBroker.Core;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.Statistics;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Framing;
using AmqpBroker.Protocol.Methods;
using AmqpBroker.Server.Channels;
using AmqpBroker.Server.Writing;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Server.Connections;

/// <summary>
/// One client connection: checks the protocol header, runs the handshake, then parses frames from the
/// input pipe synchronously and dispatches them (channel 0 here, other channels to their
/// <see cref="AmqpChannel"/>). Errors become channel.close or connection.close with their reply code.
/// </summary>
internal sealed class AmqpConnection
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CloseOkTimeout = TimeSpan.FromSeconds(3);

    private readonly ConnectionContext _transport;
    private readonly Broker _broker;
    private readonly ILogger _logger;
    private readonly ConnectionWriter _writer;
    private readonly ConnectionHandshake _handshake;
    private readonly ChannelTable _channels = new();
    private readonly ShortStringCache _strings = new();
    private readonly DateTimeOffset _startedAt;
    private ClientConnection? _client;
    private ResourceAccess? _access;
    private ConnectionState _state = ConnectionState.Handshake;
    private DateTimeOffset _closingSince;
    private DateTimeOffset _lastReceived;
    private DateTimeOffset _lastSent;
    private volatile bool _receivedSinceTick;
    private volatile string? _forceCloseReason;
    private readonly TaskCompletionSource _forceClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _blocked;

    public AmqpConnection(ConnectionContext transport, Broker broker, ILogger logger)
    {
        _transport = transport;
        _broker = broker;
        _logger = logger;
        _writer = new ConnectionWriter(transport.Transport.Output);
        _writer.Writable += _channels.ResumeDeliveries;
        _handshake = new ConnectionHandshake(broker, _writer, transport.RemoteEndPoint);
        _startedAt = _lastReceived = _lastSent = broker.Time.GetUtcNow();
        Name = $"{transport.RemoteEndPoint} -> {transport.LocalEndPoint}";
    }

    private enum ConnectionState
    {
        Handshake,
        Open,
        Closing,
        Closed,
    }

    public string Name { get; }

    internal ConnectionWriter Writer => _writer;

    internal ClientConnection Client => _client ?? throw new InvalidOperationException("connection is not open");

    /// <summary>The permissions of the connection's user in its vhost, checked by its channels.</summary>
    internal ResourceAccess Access => _access ?? throw new InvalidOperationException("connection is not open");

    internal Broker Broker => _broker;

    internal ILogger Logger => _logger;

    internal VirtualHost VirtualHost => _handshake.VirtualHost ?? throw new InvalidOperationException("connection is not open");

    internal uint FrameMax => _handshake.FrameMax;

    internal ShortStringCache Strings => _strings;

    public async Task RunAsync()
    {
        var writerLoop = _writer.RunAsync();
        using var ticks = _broker.Scheduler.Register(OnTick);
        try
        {
            if (await ReadProtocolHeaderAsync().ConfigureAwait(false))
            {
                _handshake.Start();
                await ReadFramesAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is ConnectionResetException or ConnectionAbortedException or IOException or OperationCanceledException)
        {
            ServerLog.ConnectionLost(_logger, Name, ex.Message);
        }
        finally
        {
            Shutdown();
            _writer.Complete();
            await writerLoop.ConfigureAwait(false);
            await _transport.Transport.Output.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Forced close from another thread (the admin API): the read loop is woken and sends connection.close
    /// with 320 CONNECTION_FORCED, so connection state stays owned by the read loop.
    /// </summary>
    internal void ForceClose(string reason)
    {
        _forceCloseReason = reason;
        _forceClosed.TrySetResult();
        _transport.Transport.Input.CancelPendingRead();
    }

    private async Task<bool> ReadProtocolHeaderAsync()
    {
        var input = _transport.Transport.Input;
        while (true)
        {
            var result = await input.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length >= 8)
            {
                Span<byte> header = stackalloc byte[8];
                buffer.Slice(0, 8).CopyTo(header);
                input.AdvanceTo(buffer.GetPosition(8));
                if (header.SequenceEqual(ProtocolHeader.Amqp091) || header.SequenceEqual(ProtocolHeader.Amqp09))
                {
                    return true;
                }

                ServerLog.BadProtocolHeader(_logger, Name, Convert.ToHexString(header));
                _writer.Enqueue(new OutgoingFrame(OutgoingKind.Encoded, 0, Encoded: ProtocolHeader.Amqp091.ToArray()));
                return false;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                return false;
            }
        }
    }

    private async Task ReadFramesAsync()
    {
        var input = _transport.Transport.Input;
        while (_state != ConnectionState.Closed)
        {
            var result = await input.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            try
            {
                while (_state != ConnectionState.Closed && !_blocked && FrameReader.TryReadFrame(ref buffer, _handshake.PayloadLimit, out var frame))
                {
                    _receivedSinceTick = true;
                    HandleFrame(frame);
                }
            }
            catch (FrameFormatException ex) when (_state == ConnectionState.Handshake && _handshake.IsBeforeTuneOk)
            {
                // RabbitMQ answers a bad frame from a peer that has not even tuned by closing the socket.
                ServerLog.HandshakeFrameError(_logger, Name, ex.Message);
                _state = ConnectionState.Closed;
            }
            catch (FrameFormatException ex)
            {
                // The byte stream can no longer be trusted: say why and stop reading.
                CloseConnection(ReplyCode.FrameError, $"FRAME_ERROR - {ex.Message}", 0, 0);
                _state = ConnectionState.Closed;
            }
            finally
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }

            if (result.IsCanceled && _forceCloseReason is { } reason)
            {
                CloseConnection(ReplyCode.ConnectionForced, $"CONNECTION_FORCED - {reason}", 0, 0);
                continue;
            }

            if (_blocked)
            {
                await WaitUntilUnblockedAsync().ConfigureAwait(false);
                continue;
            }

            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Blocked by the resource alarm: read nothing more (TCP back-pressure stops the publisher) until the
    /// alarm clears or the connection is forced closed.
    /// </summary>
    private async Task WaitUntilUnblockedAsync()
    {
        await Task.WhenAny(_broker.Alarm.WhenCleared, _forceClosed.Task).ConfigureAwait(false);
        _blocked = false;
        if (SupportsBlockedNotifications)
        {
            _writer.EnqueueMethod(0, new ConnectionUnblocked());
        }
    }

    /// <summary>RabbitMQ blocks a connection when it publishes while the alarm is raised, not before.</summary>
    private void BlockIfAlarmed()
    {
        var reason = _broker.Alarm.Reason;
        if (reason is null || _blocked || _state != ConnectionState.Open)
        {
            return;
        }

        _blocked = true;
        if (SupportsBlockedNotifications)
        {
            _writer.EnqueueMethod(0, new ConnectionBlocked { Reason = reason });
        }
    }

    private bool SupportsBlockedNotifications => _handshake.ClientCapabilities.GetValueOrDefault("connection.blocked") is true;

    private void HandleFrame(in Frame frame)
    {
        ushort classId = 0, methodId = 0;
        try
        {
            switch (frame.Type)
            {
                case FrameType.Heartbeat when frame.Channel != 0:
                    throw AmqpException.UnexpectedFrame($"heartbeat frame on channel {frame.Channel}");
                case FrameType.Heartbeat:
                    return;
                case FrameType.Method:
                    HandleMethodFrame(frame, out classId, out methodId);
                    return;
                default:
                    HandleContentFrame(frame);
                    BlockIfAlarmed();
                    return;
            }
        }
        catch (AmqpException ex)
        {
            if (_handshake.CloseSilently && _state == ConnectionState.Handshake && ex.Code == ReplyCode.AccessRefused)
            {
                ServerLog.LoginRefused(_logger, Name, ex.Message);
                _state = ConnectionState.Closed;
                return;
            }

            CloseConnection(ex.Code, ex.ReplyText, classId, methodId);
        }
        catch (AmqpFormatException ex)
        {
            CloseConnection(ReplyCode.SyntaxError, $"SYNTAX_ERROR - {ex.Message}", classId, methodId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A bug of ours must cost this connection only, never the process or other connections.
            ServerLog.InternalError(_logger, Name, ex);
            CloseConnection(ReplyCode.InternalError, "INTERNAL_ERROR", classId, methodId);
        }
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
                // After sending connection.close only its answer (or the peer's own close) counts.
                if (commandId is CommandIds.ConnectionCloseOk or CommandIds.ConnectionClose)
                {
                    _state = ConnectionState.Closed;
                }

                return;
        }

        switch (commandId)
        {
            case CommandIds.ConnectionClose:
                var close = ConnectionClose.Read(ref reader);
                ServerLog.ClientClosed(_logger, Name, close.ReplyCode, close.ReplyText);
                _writer.EnqueueMethod(0, new ConnectionCloseOk());
                _state = ConnectionState.Closed;
                return;
            case CommandIds.ConnectionCloseOk:
                _state = ConnectionState.Closed;
                return;
            case CommandIds.ConnectionUpdateSecret:
                // The internal user store keeps no per-connection credential that could expire, so a new
                // secret is accepted as RabbitMQ's internal backend accepts it.
                ConnectionUpdateSecret.Read(ref reader);
                _writer.EnqueueMethod(0, new ConnectionUpdateSecretOk());
                return;
            default:
                throw UnexpectedMethod(commandId, "channel 0");
        }
    }

    private void HandleChannelMethod(ushort channelNumber, uint commandId, ref AmqpReader reader)
    {
        if (_state == ConnectionState.Handshake)
        {
            throw AmqpException.UnexpectedFrame($"method frame on channel {channelNumber} during the connection handshake");
        }

        if (_state == ConnectionState.Closing)
        {
            return;
        }

        var channel = _channels.Find(channelNumber);
        if (channel is null)
        {
            if (commandId != CommandIds.ChannelOpen)
            {
                throw AmqpException.ChannelError($"expected 'channel.open' on channel {channelNumber}, got '{CommandInfo.GetName(commandId)}'");
            }

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

        var channel = frame.Channel == 0 || _state != ConnectionState.Open ? null : _channels.Find(frame.Channel);
        if (channel is null)
        {
            throw frame.Channel == 0
                ? AmqpException.UnexpectedFrame($"{frame.Type.ToString().ToLowerInvariant()} frame on channel 0")
                : AmqpException.UnexpectedFrame("expected method frame, got non method frame instead"); // RabbitMQ's text
        }

        if (frame.Type == FrameType.Header)
        {
            channel.HandleContentHeader(frame.Payload);
        }
        else
        {
            channel.HandleContentBody(frame.Payload);
        }
    }

    private void OpenChannel(ushort channelNumber)
    {
        if (_channels.Count >= _handshake.ChannelMax)
        {
            throw AmqpException.NotAllowed($"number of channels opened ({_channels.Count}) has reached the negotiated channel_max ({_handshake.ChannelMax})");
        }

        _channels.Add(new AmqpChannel(this, channelNumber));
        _writer.EnqueueMethod(channelNumber, new ChannelOpenOk());
    }

    private void OnOpened()
    {
        _writer.FrameMax = _handshake.FrameMax;
        _client = new ClientConnection(Name, _handshake.User!, _handshake.VirtualHost!.Name, _handshake.ClientProperties, _startedAt, ForceClose)
        {
            Details = CreateDetails(),
            Channels = _channels.Snapshot,
        };
        _access = _broker.AccessFor(_client.User.Name, _client.VirtualHost);
        _broker.OnConnectionOpened(_client);
        _state = ConnectionState.Open;
        // Only now: a client that has open-ok is one the broker knows (to list, to close on shutdown).
        _writer.EnqueueMethod(0, new ConnectionOpenOk());
        ServerLog.ConnectionOpened(_logger, Name, _client.User.Name, _client.VirtualHost);
    }

    private ConnectionDetails CreateDetails()
    {
        var peer = _transport.RemoteEndPoint as IPEndPoint;
        var local = _transport.LocalEndPoint as IPEndPoint;
        return new ConnectionDetails(
            HostOf(peer),
            peer?.Port ?? 0,
            HostOf(local),
            local?.Port ?? 0,
            _handshake.Mechanism,
            _handshake.FrameMax,
            _handshake.ChannelMax,
            _handshake.HeartbeatSeconds);
    }

    /// <summary>An IPv4 client on a dual-stack socket is shown as 127.0.0.1, not ::ffff:127.0.0.1.</summary>
    private static string HostOf(IPEndPoint? endPoint) => endPoint switch
    {
        null => "",
        { Address.IsIPv4MappedToIPv6: true } => endPoint.Address.MapToIPv4().ToString(),
        _ => endPoint.Address.ToString(),
    };

    /// <summary>Sends connection.close; from then on only close-ok (or a timeout) ends the connection.</summary>
    private void CloseConnection(ReplyCode code, string text, ushort classId, ushort methodId)
    {
        if (_state is ConnectionState.Closing or ConnectionState.Closed)
        {
            return;
        }

        ServerLog.ConnectionError(_logger, Name, (ushort)code, text);
        _writer.EnqueueMethod(0, new ConnectionClose { ReplyCode = (ushort)code, ReplyText = text, ClassId = classId, MethodId = methodId });
        _state = ConnectionState.Closing;
        _closingSince = _broker.Time.GetUtcNow();
        _channels.CloseAll();
    }

    private void Shutdown()
    {
        _state = ConnectionState.Closed;
        _channels.CloseAll();
        if (_client is not null)
        {
            _broker.OnConnectionClosed(_client);
            ServerLog.ConnectionClosed(_logger, Name);
        }
    }

    /// <summary>The scheduler's tick: heartbeats, handshake and close-ok timeouts.</summary>
    private void OnTick(DateTimeOffset now)
    {
        if (_receivedSinceTick)
        {
            _receivedSinceTick = false;
            _lastReceived = now;
        }

        if (_writer.TakeSentFlag())
        {
            _lastSent = now;
        }

        switch (_state)
        {
            case ConnectionState.Handshake when now - _startedAt > HandshakeTimeout:
                Abort("handshake timed out");
                break;
            case ConnectionState.Closing when now - _closingSince > CloseOkTimeout:
                Abort("no connection.close-ok from the client");
                break;
            case ConnectionState.Open when _handshake.HeartbeatSeconds > 0 && _blocked:
                // RabbitMQ pauses the heartbeat monitor of a blocked connection: its input is not being read.
                _lastReceived = now;
                break;
            case ConnectionState.Open when _handshake.HeartbeatSeconds > 0:
                var interval = TimeSpan.FromSeconds(_handshake.HeartbeatSeconds);
                if (now - _lastReceived > interval * 2)
                {
                    Abort($"missed heartbeats from client, timeout: {_handshake.HeartbeatSeconds}s");
                }
                else if (now - _lastSent >= interval / 2)
                {
                    _lastSent = now;
                    _writer.Enqueue(new OutgoingFrame(OutgoingKind.Heartbeat, 0));
                }

                break;
        }
    }

    private void Abort(string reason)
    {
        ServerLog.ConnectionAborted(_logger, Name, reason);
        _transport.Abort(new ConnectionAbortedException(reason));
    }

    private static AmqpException UnexpectedMethod(uint commandId, string where) =>
        CommandInfo.IsKnown(commandId)
            ? AmqpException.CommandInvalid($"'{CommandInfo.GetName(commandId)}' is not valid on {where}")
            : AmqpException.NotImplemented($"unknown method {CommandInfo.GetName(commandId)}");
}
