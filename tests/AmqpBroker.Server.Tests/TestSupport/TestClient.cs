using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using AmqpBroker.Core;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Framing;
using AmqpBroker.Protocol.Methods;
using AmqpBroker.Server.Connections;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging.Abstractions;

namespace AmqpBroker.Server.Tests.TestSupport;

/// <summary>
/// A real <see cref="AmqpConnection"/> over in-memory pipes, driven by raw frames from the test: the
/// embedded transport of DESIGN.md §8, so no socket is involved. Every wait has a deadline.
/// </summary>
internal sealed class TestClient : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    public static readonly IPEndPoint Loopback = new(IPAddress.Loopback, 50000);

    private static int _counter;

    private readonly Pipe _toServer = new();
    private readonly Pipe _fromServer = new();
    private int _outputCompleted;

    public TestClient(Broker broker, EndPoint? remoteEndPoint = null, ServerLoggers? loggers = null)
    {
        var transport = new DuplexPipe(_toServer.Reader, _fromServer.Writer);
        var application = new DuplexPipe(_fromServer.Reader, _toServer.Writer);
        Context = new DefaultConnectionContext($"test-{Interlocked.Increment(ref _counter)}", transport, application)
        {
            RemoteEndPoint = remoteEndPoint ?? Loopback,
            LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 5672),
        };

        // What a socket transport does on Abort: the connection's input ends with ConnectionAbortedException.
        Context.ConnectionClosed.Register(() => CompleteOutput(new ConnectionAbortedException("aborted by the server")));
        Connection = new AmqpConnection(Context, broker, loggers ?? new ServerLoggers(NullLogger.Instance, NullLogger.Instance));
        Run = Task.Run(Connection.RunAsync);
    }

    public DefaultConnectionContext Context { get; }

    public AmqpConnection Connection { get; }

    /// <summary>The server's <see cref="AmqpConnection.RunAsync"/>; it must always complete without an exception.</summary>
    public Task Run { get; }

    /// <summary>frame_max used when this client splits bodies; set by <see cref="OpenAsync"/>.</summary>
    public uint FrameMax { get; private set; } = AmqpConstants.FrameMinSize;

    private PipeWriter Output => _toServer.Writer;

    private PipeReader Input => _fromServer.Reader;

    public static IReadOnlyDictionary<string, object?> ClientProperties(bool authenticationFailureClose = true) =>
        new Dictionary<string, object?>
        {
            ["product"] = "AmqpBroker.Server.Tests",
            ["capabilities"] = new Dictionary<string, object?>
            {
                ["authentication_failure_close"] = authenticationFailureClose,
                ["consumer_cancel_notify"] = true,
            },
        };

    public static byte[] PlainResponse(string user, string password) => Encoding.UTF8.GetBytes($"\0{user}\0{password}");

    /// <summary>AMQPLAIN: a field table of LOGIN and PASSWORD without its 4-byte length prefix.</summary>
    public static byte[] AmqPlainResponse(string user, string password)
    {
        var table = new Dictionary<string, object?> { ["LOGIN"] = user, ["PASSWORD"] = password };
        var buffer = new byte[AmqpSize.Table(table)];
        var writer = new AmqpWriter(buffer);
        writer.WriteTable(table);
        return buffer[4..];
    }

    public static byte[] RawFrame(byte type, ushort channel, ReadOnlySpan<byte> payload, byte end = AmqpConstants.FrameEnd)
    {
        var frame = new byte[payload.Length + FrameReader.FrameOverhead];
        frame[0] = type;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(1), channel);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(3), (uint)payload.Length);
        payload.CopyTo(frame.AsSpan(FrameReader.HeaderSize));
        frame[^1] = end;
        return frame;
    }

    /// <summary>A method frame's payload with the given class and method ids followed by <paramref name="arguments"/>.</summary>
    public static byte[] MethodPayload(ushort classId, ushort methodId, ReadOnlySpan<byte> arguments)
    {
        var payload = new byte[4 + arguments.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(payload, classId);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(2), methodId);
        arguments.CopyTo(payload.AsSpan(4));
        return payload;
    }

    public static byte[] Encode<T>(ushort channel, in T method)
        where T : struct, IAmqpMethod<T>
    {
        var buffer = new ArrayBufferWriter<byte>();
        FrameWriter.WriteMethod(buffer, channel, method);
        return buffer.WrittenSpan.ToArray();
    }

    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        await Output.WriteAsync(bytes);
    }

    /// <summary>Sends <paramref name="bytes"/> in writes of <paramref name="chunk"/> bytes, each flushed on its own.</summary>
    public async Task SendInPiecesAsync(ReadOnlyMemory<byte> bytes, int chunk)
    {
        for (var offset = 0; offset < bytes.Length; offset += chunk)
        {
            await Output.WriteAsync(bytes.Slice(offset, Math.Min(chunk, bytes.Length - offset)));
        }
    }

    public Task SendMethodAsync<T>(ushort channel, in T method)
        where T : struct, IAmqpMethod<T> => SendAsync(Encode(channel, method));

    public async Task SendContentAsync(ushort channel, ReadOnlyMemory<byte> body, byte[]? properties = null, uint? frameMax = null)
    {
        FrameWriter.WriteContentHeader(Output, channel, (ulong)body.Length, properties ?? [0, 0]);
        FrameWriter.WriteBody(Output, channel, body.Span, frameMax ?? FrameMax);
        await Output.FlushAsync();
    }

    public async Task PublishAsync(ushort channel, string exchange, string routingKey, ReadOnlyMemory<byte> body, byte[]? properties = null)
    {
        FrameWriter.WriteMethod(Output, channel, new BasicPublish { Exchange = exchange, RoutingKey = routingKey });
        await SendContentAsync(channel, body, properties);
    }

    /// <summary>The next frame from the server (heartbeats skipped unless asked for), or null once it closed the connection.</summary>
    public async Task<ReceivedFrame?> ReadFrameAsync(bool skipHeartbeats = true)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        try
        {
            while (true)
            {
                var result = await Input.ReadAsync(timeout.Token);
                var buffer = result.Buffer;
                if (FrameReader.TryReadFrame(ref buffer, 0, out var frame))
                {
                    var received = new ReceivedFrame(frame.Type, frame.Channel, frame.Payload.ToArray());
                    Input.AdvanceTo(buffer.Start);
                    if (skipHeartbeats && received.Type == FrameType.Heartbeat)
                    {
                        continue;
                    }

                    return received;
                }

                if (result.IsCompleted)
                {
                    Assert.That(buffer.Length, Is.Zero, "the server closed in the middle of a frame");
                    Input.AdvanceTo(buffer.End);
                    return null;
                }

                Input.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"nothing from the server within {Deadline.TotalSeconds} s");
        }
    }

    /// <summary>All the bytes the server sends until it closes the connection.</summary>
    public async Task<byte[]> ReadToEndAsync()
    {
        using var timeout = new CancellationTokenSource(Deadline);
        var bytes = new List<byte>();
        while (true)
        {
            var result = await Input.ReadAsync(timeout.Token);
            bytes.AddRange(result.Buffer.ToArray());
            Input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return [.. bytes];
            }
        }
    }

    public async Task<ReceivedFrame> ExpectFrameAsync()
    {
        var frame = await ReadFrameAsync();
        Assert.That(frame, Is.Not.Null, "the server closed the connection");
        return frame!;
    }

    public async Task<T> ExpectAsync<T>(ushort channel = 0)
        where T : struct, IAmqpMethod<T>
    {
        var frame = await ExpectFrameAsync();
        Assert.That(frame.Channel, Is.EqualTo(channel), $"channel of {frame}");
        return frame.Read<T>();
    }

    public async Task<ConnectionClose> ExpectConnectionCloseAsync(ReplyCode code)
    {
        var close = await ExpectAsync<ConnectionClose>();
        Assert.That(close.ReplyCode, Is.EqualTo((ushort)code), close.ReplyText);
        Assert.That(close.ReplyText, Does.StartWith(ReplyCodes.Name(code) + " - "));
        return close;
    }

    public async Task<ChannelClose> ExpectChannelCloseAsync(ushort channel, ReplyCode code)
    {
        var close = await ExpectAsync<ChannelClose>(channel);
        Assert.That(close.ReplyCode, Is.EqualTo((ushort)code), close.ReplyText);
        Assert.That(close.ReplyText, Does.StartWith(ReplyCodes.Name(code) + " - "));
        return close;
    }

    /// <summary>Answers the server's connection.close and checks the server then ends the connection.</summary>
    public async Task AcknowledgeCloseAsync()
    {
        await SendMethodAsync(0, new ConnectionCloseOk());
        await ExpectEndAsync();
    }

    /// <summary>The server sends nothing more, closes its side, and RunAsync completes without an exception.</summary>
    public async Task ExpectEndAsync()
    {
        var frame = await ReadFrameAsync();
        Assert.That(frame, Is.Null, $"expected the connection to end, got {frame}");
        await Run.WaitAsync(Deadline);
    }

    /// <summary>Protocol header, connection.start and start-ok; returns the server's connection.tune.</summary>
    public async Task<ConnectionStart> SendHeaderAsync()
    {
        await SendAsync(ProtocolHeader.Amqp091.ToArray());
        return await ExpectAsync<ConnectionStart>();
    }

    public Task SendStartOkAsync(string mechanism = "PLAIN", byte[]? response = null, bool authenticationFailureClose = true) =>
        SendMethodAsync(0, new ConnectionStartOk
        {
            ClientProperties = ClientProperties(authenticationFailureClose),
            Mechanism = mechanism,
            Response = response ?? PlainResponse("guest", "guest"),
            Locale = "en_US",
        });

    public async Task<ConnectionTune> StartAsync(string mechanism = "PLAIN", byte[]? response = null)
    {
        await SendHeaderAsync();
        await SendStartOkAsync(mechanism, response);
        return await ExpectAsync<ConnectionTune>();
    }

    /// <summary>The whole handshake up to connection.open-ok.</summary>
    public async Task OpenAsync(ushort channelMax = 2047, uint frameMax = 131_072, ushort heartbeat = 0, string virtualHost = "/")
    {
        await StartAsync();
        await SendMethodAsync(0, new ConnectionTuneOk { ChannelMax = channelMax, FrameMax = frameMax, Heartbeat = heartbeat });
        await SendMethodAsync(0, new ConnectionOpen { VirtualHost = virtualHost });
        await ExpectAsync<ConnectionOpenOk>();
        FrameMax = frameMax;
    }

    public async Task OpenChannelAsync(ushort channel)
    {
        await SendMethodAsync(channel, new ChannelOpen());
        await ExpectAsync<ChannelOpenOk>(channel);
    }

    public async Task<QueueDeclareOk> DeclareQueueAsync(ushort channel, string name, bool exclusive = false)
    {
        await SendMethodAsync(channel, new QueueDeclare { Queue = name, Exclusive = exclusive });
        return await ExpectAsync<QueueDeclareOk>(channel);
    }

    /// <summary>basic.get: the get-ok, and the properties and body reassembled from the frames that follow it.</summary>
    public async Task<(BasicGetOk GetOk, byte[] Properties, byte[] Body, List<ReceivedFrame> BodyFrames)> GetAsync(ushort channel, string queue, bool noAck = true)
    {
        await SendMethodAsync(channel, new BasicGet { Queue = queue, NoAck = noAck });
        var getOk = await ExpectAsync<BasicGetOk>(channel);
        var (properties, body, frames) = await ReadContentAsync(channel);
        return (getOk, properties, body, frames);
    }

    public async Task<(byte[] Properties, byte[] Body, List<ReceivedFrame> BodyFrames)> ReadContentAsync(ushort channel)
    {
        var header = await ExpectFrameAsync();
        Assert.That((header.Type, header.Channel), Is.EqualTo((FrameType.Header, channel)), header.ToString());
        var bodySize = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(header.Payload.AsSpan(4));
        var properties = header.Payload[12..];
        var body = new List<byte>();
        var frames = new List<ReceivedFrame>();
        while ((ulong)body.Count < bodySize)
        {
            var frame = await ExpectFrameAsync();
            Assert.That((frame.Type, frame.Channel), Is.EqualTo((FrameType.Body, channel)), frame.ToString());
            frames.Add(frame);
            body.AddRange(frame.Payload);
        }

        Assert.That((ulong)body.Count, Is.EqualTo(bodySize));
        return (properties, [.. body], frames);
    }

    /// <summary>Ends the client's side as a closed socket would.</summary>
    public void CompleteOutput(Exception? error = null)
    {
        if (Interlocked.Exchange(ref _outputCompleted, 1) == 0)
        {
            _toServer.Writer.Complete(error);
        }
    }

    public async ValueTask DisposeAsync()
    {
        CompleteOutput();
        try
        {
            // Drain what the server still writes, so its writer is never stuck on back-pressure.
            await ReadToEndAsync();
        }
        catch (OperationCanceledException)
        {
        }

        await Run.WaitAsync(Deadline);
        await Context.DisposeAsync();
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
