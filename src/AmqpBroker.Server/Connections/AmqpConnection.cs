using System.Buffers;
using System.Buffers.Binary;
using AmqpBroker.Core;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Statistics;
using AmqpBroker.Core.Testing.Recording;
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
/// <see cref="AmqpChannel"/>), and maps every error of a frame to channel.close or connection.close.
/// Its read loop owns the connection's state; the scheduler's tick (<see cref="OnTick"/>) only reads it,
/// to run the heartbeats and deadlines, and acts through thread-safe calls (enqueue a frame, abort).
/// </summary>
internal sealed partial class AmqpConnection
{
    private readonly ConnectionContext _transport;
    private readonly Broker _broker;
    private readonly ServerLoggers _loggers;
    private readonly ILogger _logger;
    private readonly ConnectionLogScope _logScope;
    private readonly ConnectionWriter _writer;
    private readonly ConnectionHandshake _handshake;
    private readonly ChannelTable _channels;
    private readonly ConnectionTraffic _traffic = new();
    private readonly InputCounter _input;
    private readonly ShortStringCache _strings = new();
    private readonly DateTimeOffset _startedAt;
    private readonly HeartbeatMonitor _heartbeat;
    private readonly ConnectionDeadlines _deadlines;
    private readonly PublisherBlocking _blocking;
    private readonly PublisherFlow _flow;
    private readonly ConsumerTimeoutWatch _consumerTimeouts;
    private readonly TlsPeer? _tls;
    private readonly ConnectionRecording _recording;
    /// <summary>Completes when the connection is forced closed or its transport goes: a blocked or throttled read loop stops waiting.</summary>
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ChannelContext? _channelContext;
    private volatile ConnectionState _state = ConnectionState.Handshake;
    private volatile string? _forceCloseReason;
    private bool _released;

    public AmqpConnection(ConnectionContext transport, Broker broker, ServerLoggers loggers, TlsPeer? tls = null)
    {
        _transport = transport;
        _broker = broker;
        _loggers = loggers;
        _logger = loggers.Connections;
        _channels = new ChannelTable(broker.Churn);
        _input = new InputCounter(_traffic, broker.Resources.Memory);
        _writer = new ConnectionWriter(transport.Transport.Output, broker.Time) { Traffic = _traffic };
        _traffic.WatchPending(() => _writer.PendingDeliveries);
        _writer.Writable += _channels.ResumeDeliveries;
        _handshake = new ConnectionHandshake(broker, _writer, transport.RemoteEndPoint, tls);
        _tls = tls;
        _startedAt = broker.Time.GetUtcNow();
        _heartbeat = new HeartbeatMonitor(_startedAt);
        _deadlines = new ConnectionDeadlines(_startedAt, broker.Settings.HandshakeTimeout);
        _blocking = new PublisherBlocking(broker.Alarm, _writer, _closed.Task);
        _flow = new PublisherFlow(broker.Time, _channels.HasConsumerThatAcks);
        Name = $"{transport.RemoteEndPoint} -> {transport.LocalEndPoint}";
        _logScope = new ConnectionLogScope(Name);
        _consumerTimeouts = new ConsumerTimeoutWatch(broker, _logger, () => LogName);
        _recording = broker.Recorder.ForConnection(Name);
        _writer.Recording = _recording;
    }

    /// <summary>Written only by the read loop; volatile because the tick reads it.</summary>
    private enum ConnectionState
    {
        Handshake,
        Open,

        /// <summary>We sent connection.close and wait for close-ok.</summary>
        Closing,

        /// <summary>We sent close-ok: frames still arriving are read and dropped until the peer closes (<see cref="ConnectionDeadlines.OnDraining"/>).</summary>
        Draining,
        Closed,
    }

    public string Name { get; }

    /// <summary>How log lines name the connection: its addresses, and once open the client's connection_name and the user.</summary>
    private string LogName => _logScope.Label;

    public async Task RunAsync()
    {
        using var scope = _logger.BeginScope(_logScope);
        ConnectionLog.ConnectionAccepted(_logger, LogName);
        var writerLoop = _writer.RunAsync();
        using var ticks = _broker.Scheduler.Register(OnTick);
        using var transportClosed = _transport.ConnectionClosed.Register(static closed => ((TaskCompletionSource)closed!).TrySetResult(), _closed);
        try
        {
            if (await ReadProtocolHeaderAsync().ConfigureAwait(false))
            {
                _handshake.Start();
                await ReadFramesAsync().ConfigureAwait(false);
            }

            if (_failure is { } failure)
            {
                await FinishFailedHandshakeAsync(failure).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is ConnectionResetException or ConnectionAbortedException or IOException or OperationCanceledException)
        {
            ConnectionLog.ConnectionLost(_logger, LogName, ex.Message);
        }
        finally
        {
            Shutdown();
            // Every accepted socket that ends counts, opened or not, as rabbit_reader counts it.
            _broker.Churn.OnConnectionClosed();
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
        _closed.TrySetResult();
        _transport.Transport.Input.CancelPendingRead();
    }

    private async Task<bool> ReadProtocolHeaderAsync()
    {
        var input = _transport.Transport.Input;
        while (true)
        {
            var result = await input.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            _input.OnRead(buffer);
            if (buffer.Length >= 8)
            {
                Span<byte> header = stackalloc byte[8];
                buffer.Slice(0, 8).CopyTo(header);
                input.AdvanceTo(buffer.GetPosition(8));
                _input.OnLeft(buffer.Slice(8));
                if (header.SequenceEqual(ProtocolHeader.Amqp091) || header.SequenceEqual(ProtocolHeader.Amqp09))
                {
                    return true;
                }

                var received = BinaryPrimitives.ReadUInt64BigEndian(header);
                ConnectionLog.BadProtocolHeader(_logger, LogName, received);
                _writer.Enqueue(new OutgoingFrame(OutgoingKind.Encoded, 0, Encoded: ProtocolHeader.Amqp091.ToArray()));
                return false;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            _input.OnLeft(buffer);
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
            await WaitOutReadStallAsync().ConfigureAwait(false);
            var result = await input.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            _input.OnRead(buffer);
            try
            {
                // Stopped early (blocked, in flow, out of budget): the rest of this read is handled after the pause.
                while (!HandleFrames(ref buffer) && _state != ConnectionState.Closed && _forceCloseReason is null)
                {
                    await PauseReadingAsync().ConfigureAwait(false);
                }
            }
            catch (FrameFormatException ex)
            {
                OnFrameFormatError(ex);
            }
            finally
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                _input.OnLeft(buffer);
            }

            if (result.IsCanceled)
            {
                _consumerTimeouts.Apply(_channels);
            }

            if (result.IsCanceled && _forceCloseReason is { } reason)
            {
                CloseConnection(ReplyCode.ConnectionForced, $"CONNECTION_FORCED - {reason}", 0, 0);
                continue;
            }

            if (result.IsCanceled && RunInjectedFaults())
            {
                continue;
            }

            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    /// <summary>One frame of an open or opening connection; <see cref="OnFrameFailed"/> turns its errors into channel.close, connection.close or a silent close.</summary>
    private void HandleFrame(in Frame frame)
    {
        ushort classId = 0, methodId = 0;
        var channel = frame.Channel == 0 ? null : _channels.Find(frame.Channel);

        // The method whose content is arriving: what RabbitMQ names when content arrives out of order.
        var content = channel?.ContentCommand ?? 0;
        try
        {
            if (_state == ConnectionState.Handshake && frame.Channel != 0)
            {
                throw AmqpException.UnexpectedFrame(Describe(frame));
            }

            switch (frame.Type)
            {
                case FrameType.Method:
                    HandleMethodFrame(frame, out classId, out methodId);
                    return;
                case FrameType.Header or FrameType.Body:
                    HandleContentFrame(frame);
                    return;
                case FrameType.Heartbeat when frame.Payload.IsEmpty && frame.Channel == 0:
                    return;
                case FrameType.Heartbeat when frame.Payload.IsEmpty:
                    // RabbitMQ reads heartbeats on channel 0 only; elsewhere they are frames it did not expect.
                    throw AmqpException.UnexpectedFrame(Describe(frame));
                default:
                    throw AmqpException.FrameError($"{Describe(frame)}: unknown_frame");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            OnFrameFailed(ex, frame, channel, content, classId, methodId);
        }
    }

    /// <summary>
    /// The one place a frame's errors become channel.close, connection.close or a silent close: <paramref name="content"/> is
    /// the method whose content was arriving, <paramref name="classId"/> and <paramref name="methodId"/> the method read so far.
    /// </summary>
    private void OnFrameFailed(Exception error, in Frame frame, AmqpChannel? channel, uint content, ushort classId, ushort methodId)
    {
        switch (error)
        {
            case AmqpException amqp:
                // What the assembler refuses names the method whose content it is; what the reader refuses, nothing.
                if ((frame.Type is FrameType.Header or FrameType.Body && amqp.Code != ReplyCode.FrameError) || (content != 0 && amqp.Code == ReplyCode.UnexpectedFrame))
                {
                    (classId, methodId) = ((ushort)(content >> 16), (ushort)content);
                }

                OnFrameError(amqp, channel, classId, methodId);
                break;
            case LoginRefusedException refusal:
                OnLoginRefused(refusal);
                break;
            case AmqpFormatException undecodable:
                OnUndecodable(frame, undecodable, classId, methodId);
                break;
            default:
                // A bug of ours must cost this connection only, never the process or other connections.
                ConnectionLog.InternalError(_logger, LogName, error);
                CloseConnection(ReplyCode.InternalError, "INTERNAL_ERROR", classId, methodId);
                break;
        }
    }

    /// <summary>A soft error closes its channel; anything else the connection (<see cref="OnConnectionError"/>).</summary>
    private void OnFrameError(AmqpException error, AmqpChannel? channel, ushort classId, ushort methodId)
    {
        if (!error.IsConnectionError && channel is not null)
        {
            channel.Close(error, classId, methodId);
        }
        else
        {
            OnConnectionError(error, classId, methodId);
        }
    }

    private void OnConnectionError(AmqpException error, ushort classId, ushort methodId)
    {
        // Before tune-ok RabbitMQ answers nothing but a refused tune-ok; it just closes the socket.
        if (_state == ConnectionState.Handshake && _handshake.IsBeforeTuneOk
            && !(error.Code == ReplyCode.NotAllowed && _handshake.Stage == HandshakeStage.AwaitingTuneOk))
        {
            FailHandshake(error.ReplyText);
            return;
        }

        CloseConnection(error.Code, error.ReplyText, classId, methodId);
    }

    private static string Describe(in Frame frame)
    {
        var payload = frame.Payload;
        var snippet = payload.Slice(0, Math.Min(payload.Length, ErlangBinary.SnippetLength + 1)).ToArray();
        return ErlangBinary.DescribeFrame((byte)frame.Type, snippet);
    }

    private void OnOpened()
    {
        _writer.FrameMax = _handshake.FrameMax;
        var client = new ClientConnection(Name, _handshake.User!, _handshake.VirtualHost!.Name, _handshake.ClientProperties, _startedAt, ForceClose)
        {
            Details = ConnectionDetailsFactory.Create(_transport, _handshake, _tls),
            Channels = _channels.Snapshot,
            ChannelCount = () => _channels.Count,
            Traffic = _traffic,
            State = DescribeState,
            Faults = this,
        };
        var access = _broker.AccessFor(client.User.Name, client.VirtualHost);
        var settings = _broker.Settings;
        var quota = new ConnectionQuota(settings.MaxQueuesPerConnection, settings.MaxExchangesPerConnection);
        var cancelNotify = _handshake.ClientCapabilities.GetValueOrDefault("consumer_cancel_notify") is true;
        _channelContext = new ChannelContext(_writer, _broker, client, access, _handshake.VirtualHost, _loggers.Channels, quota, _flow, cancelNotify);
        _blocking.NotifyClient = _handshake.ClientCapabilities.GetValueOrDefault("connection.blocked") is true;
        _consumerTimeouts.ClientTakesCancel = cancelNotify;
        _heartbeat.Seconds = _handshake.HeartbeatSeconds;
        _recording.OnOpened(client, _handshake.FrameMax);
        _broker.OnConnectionOpened(client);
        _state = ConnectionState.Open;
        // Only now: a client that has open-ok is one the broker knows (to list, to close on shutdown).
        _writer.EnqueueMethod(0, new ConnectionOpenOk());
        _logScope.OnOpened(client.User.Name, client.VirtualHost, client.ClientProperties.GetValueOrDefault("connection_name") as string);
        ConnectionLog.ConnectionOpened(_logger, LogName, client.User.Name, client.VirtualHost);
    }

    /// <summary>The scheduler's tick (not the read loop's thread): heartbeats, handshake, close-ok and drain deadlines.</summary>
    private void OnTick(DateTimeOffset now)
    {
        var heartbeat = _heartbeat.Tick(now, _writer.TakeSentFlag(), _blocking.IsBlocked || _flow.IsThrottled);
        switch (_state)
        {
            case ConnectionState.Handshake when _deadlines.HandshakeExpired(now):
                Abort(ConnectionDeadlines.HandshakeExpiredReason);
                break;
            case ConnectionState.Closing when _deadlines.CloseOkExpired(now):
                Abort(ConnectionDeadlines.CloseOkExpiredReason);
                break;
            case ConnectionState.Draining when _deadlines.DrainExpired(now):
                Abort(ConnectionDeadlines.DrainExpiredReason);
                break;
            case ConnectionState.Draining when heartbeat == HeartbeatAction.SendHeartbeat:
                // RabbitMQ keeps its heartbeats going until the socket closes.
                _writer.Enqueue(new OutgoingFrame(OutgoingKind.Heartbeat, 0));
                break;
            case ConnectionState.Open when heartbeat == HeartbeatAction.Abort:
                Abort(_heartbeat.AbortReason);
                break;
            case ConnectionState.Open when heartbeat == HeartbeatAction.SendHeartbeat:
                _writer.Enqueue(new OutgoingFrame(OutgoingKind.Heartbeat, 0));
                break;
        }

        if (_state == ConnectionState.Open && _consumerTimeouts.Check(now, _channels))
        {
            // The read loop owns the channels: wake it to close the timed-out ones.
            _transport.Transport.Input.CancelPendingRead();
        }
    }

    private void Abort(string reason)
    {
        ConnectionLog.ConnectionAborted(_logger, LogName, reason);
        _transport.Abort(new ConnectionAbortedException(reason));
    }
}
