using System.Buffers.Binary;
using System.Net.Sockets;

namespace AmqpBroker.InteropTests.Support;

/// <summary>One method frame as read off the wire.</summary>
internal sealed record RawMethod(ushort Channel, ushort ClassId, ushort MethodId, byte[] Args);

/// <summary>A frame as read off the wire.</summary>
internal sealed record RawFrame(byte Type, ushort Channel, byte[] Payload);

/// <summary>The arguments of connection.close or channel.close.</summary>
internal sealed record RawClose(ushort ReplyCode, string ReplyText, ushort ClassId, ushort MethodId);

/// <summary>Big-endian writer for method arguments.</summary>
internal sealed class ArgWriter
{
    private readonly List<byte> _bytes = [];

    public byte[] ToArray() => [.. _bytes];

    public ArgWriter Octet(byte value)
    {
        _bytes.Add(value);
        return this;
    }

    public ArgWriter Short(ushort value)
    {
        _bytes.Add((byte)(value >> 8));
        _bytes.Add((byte)value);
        return this;
    }

    public ArgWriter Long(uint value)
    {
        Short((ushort)(value >> 16));
        return Short((ushort)value);
    }

    public ArgWriter LongLong(ulong value)
    {
        Long((uint)(value >> 32));
        return Long((uint)value);
    }

    public ArgWriter ShortStr(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        _bytes.Add((byte)bytes.Length);
        _bytes.AddRange(bytes);
        return this;
    }

    public ArgWriter LongStr(byte[] value)
    {
        Long((uint)value.Length);
        _bytes.AddRange(value);
        return this;
    }

    public ArgWriter EmptyTable() => Long(0);
}

/// <summary>
/// A bare AMQP 0-9-1 client on a socket, for what RabbitMQ.Client 7 cannot send: channel.flow,
/// basic.recover, the immediate flag, oversized frames, channels beyond channel_max, confirm.select
/// after tx.select. It negotiates the given channel_max/frame_max (0: the server's proposal) and no heartbeats.
/// </summary>
internal sealed class RawClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private NetworkStream _stream = null!;

    private RawClient(TcpClient tcp)
    {
        _tcp = tcp;
    }

    public ushort ChannelMax { get; private set; }

    public uint FrameMax { get; private set; }

    /// <param name="uri">The broker.</param>
    /// <param name="channelMax">The channel_max to tune to; 0 takes the server's.</param>
    /// <param name="frameMax">The frame_max to tune to; 0 takes the server's.</param>
    /// <param name="capabilities">The client capabilities announced (true each); connection.blocked when null.</param>
    public static async Task<RawClient> ConnectAsync(Uri uri, ushort channelMax = 0, uint frameMax = 0, IEnumerable<string>? capabilities = null)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var tcp = new TcpClient();
        var client = new RawClient(tcp);
        try
        {
            await tcp.ConnectAsync(uri.Host, uri.Port).WaitAsync(BrokerTestBase.Timeout);
            client._stream = tcp.GetStream();
            await client.HandshakeAsync(uri, channelMax, frameMax, capabilities ?? ["connection.blocked"]);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    private async Task HandshakeAsync(Uri uri, ushort channelMax, uint frameMax, IEnumerable<string> capabilityNames)
    {
        await _stream.WriteAsync("AMQP\0\0\u0009\u0001"u8.ToArray());
        await ExpectMethodAsync(0, 10, 10);

        var userInfo = uri.UserInfo.Split(':');
        var user = Uri.UnescapeDataString(userInfo[0]);
        var password = userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : string.Empty;
        var capabilities = new ArgWriter();
        foreach (var name in capabilityNames)
        {
            capabilities.ShortStr(name).Octet((byte)'t').Octet(1);
        }

        var clientProperties = new ArgWriter().ShortStr("capabilities").Octet((byte)'F').LongStr(capabilities.ToArray()).ToArray();
        await SendMethodAsync(0, 10, 11, w => w
            .LongStr(clientProperties)
            .ShortStr("PLAIN")
            .LongStr(Encoding.UTF8.GetBytes($"\0{user}\0{password}"))
            .ShortStr("en_US"));

        var tune = await ExpectMethodAsync(0, 10, 30);
        var serverChannelMax = BinaryPrimitives.ReadUInt16BigEndian(tune.Args);
        var serverFrameMax = BinaryPrimitives.ReadUInt32BigEndian(tune.Args.AsSpan(2));
        ChannelMax = channelMax == 0 ? serverChannelMax : channelMax;
        FrameMax = frameMax == 0 ? serverFrameMax : frameMax;
        await SendMethodAsync(0, 10, 31, w => w.Short(ChannelMax).Long(FrameMax).Short(0));

        var vhost = uri.AbsolutePath.Length > 1 ? Uri.UnescapeDataString(uri.AbsolutePath[1..]) : "/";
        await SendMethodAsync(0, 10, 40, w => w.ShortStr(vhost).ShortStr(string.Empty).Octet(0));
        await ExpectMethodAsync(0, 10, 41);
    }

    /// <summary>A connection that has done the handshake (as <see cref="ConnectAsync"/>) and opened channel 1.</summary>
    public static async Task<RawClient> ConnectWithChannelAsync(Uri uri)
    {
        var client = await ConnectAsync(uri);
        try
        {
            await client.OpenChannelAsync(1);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    public async Task OpenChannelAsync(ushort channel)
    {
        await SendMethodAsync(channel, 20, 10, w => w.ShortStr(string.Empty));
        await ExpectMethodAsync(channel, 20, 11);
    }

    public async Task SendMethodAsync(ushort channel, ushort classId, ushort methodId, Action<ArgWriter>? args = null)
    {
        var writer = new ArgWriter().Short(classId).Short(methodId);
        args?.Invoke(writer);
        await SendFrameAsync(1, channel, writer.ToArray());
    }

    /// <summary>A content header with no properties.</summary>
    public async Task SendContentHeaderAsync(ushort channel, ushort classId, ulong bodySize) =>
        await SendFrameAsync(2, channel, new ArgWriter().Short(classId).Short(0).LongLong(bodySize).Short(0).ToArray());

    /// <summary>basic.publish with an empty-property header and the body in one frame (it must fit frame_max).</summary>
    public async Task PublishAsync(ushort channel, string exchange, string routingKey, byte[] body, bool mandatory = false, bool immediate = false)
    {
        ArgumentNullException.ThrowIfNull(body);
        var bits = (byte)((mandatory ? 1 : 0) | (immediate ? 2 : 0));
        await SendMethodAsync(channel, 60, 40, w => w.Short(0).ShortStr(exchange).ShortStr(routingKey).Octet(bits));
        await SendContentHeaderAsync(channel, 60, (ulong)body.Length);
        if (body.Length > 0)
        {
            await SendFrameAsync(3, channel, body);
        }
    }

    public async Task SendFrameAsync(byte type, ushort channel, byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var frame = new byte[payload.Length + 8];
        frame[0] = type;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(1), channel);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(3), (uint)payload.Length);
        payload.CopyTo(frame, 7);
        frame[^1] = 0xCE;
        await SendBytesAsync(frame);
    }

    /// <summary>Writes bytes as they are, e.g. a frame header alone.</summary>
    public async Task SendBytesAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>One read from the socket: what the broker's writes have delivered by the time it returns (at least a byte).</summary>
    public async Task<byte[]> ReadOnceAsync()
    {
        using var cts = new CancellationTokenSource(BrokerTestBase.Timeout);
        var buffer = new byte[64 * 1024];
        var read = await _stream.ReadAsync(buffer, cts.Token);
        return buffer[..read];
    }

    public async Task<RawFrame> ReadFrameAsync()
    {
        using var cts = new CancellationTokenSource(BrokerTestBase.Timeout);
        var header = new byte[7];
        await _stream.ReadExactlyAsync(header, cts.Token);
        var size = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(3));
        var rest = new byte[size + 1];
        await _stream.ReadExactlyAsync(rest, cts.Token);
        Assert.That(rest[^1], Is.EqualTo((byte)0xCE), "frame-end octet");
        return new RawFrame(header[0], BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(1)), rest[..^1]);
    }

    /// <summary>The next method frame, skipping heartbeats (content frames are returned by <see cref="ReadFrameAsync"/> only).</summary>
    public async Task<RawMethod> ReadMethodAsync()
    {
        while (true)
        {
            var frame = await ReadFrameAsync();
            if (frame.Type == 8)
            {
                continue;
            }

            Assert.That(frame.Type, Is.EqualTo((byte)1), $"expected a method frame, got frame type {frame.Type}");
            return new RawMethod(
                frame.Channel,
                BinaryPrimitives.ReadUInt16BigEndian(frame.Payload),
                BinaryPrimitives.ReadUInt16BigEndian(frame.Payload.AsSpan(2)),
                frame.Payload[4..]);
        }
    }

    public async Task<RawMethod> ExpectMethodAsync(ushort channel, ushort classId, ushort methodId)
    {
        var method = await ReadMethodAsync();
        if (method.ClassId is 10 or 20 && method.MethodId == 50 && (classId, methodId) != (method.ClassId, method.MethodId))
        {
            var close = ParseClose(method.Args);
            Assert.Fail($"expected {classId}.{methodId} on channel {channel}, got {(method.ClassId == 10 ? "connection" : "channel")}.close {close.ReplyCode} {close.ReplyText}");
        }

        Assert.That((method.Channel, method.ClassId, method.MethodId), Is.EqualTo((channel, classId, methodId)), "method received");
        return method;
    }

    /// <summary>Reads up to connection.close (skipping anything before it), answers close-ok and returns its arguments.</summary>
    public async Task<RawClose> ExpectConnectionCloseAsync()
    {
        while (true)
        {
            var frame = await ReadFrameAsync();
            if (frame.Type == 1 && frame.Channel == 0
                && BinaryPrimitives.ReadUInt16BigEndian(frame.Payload) == 10
                && BinaryPrimitives.ReadUInt16BigEndian(frame.Payload.AsSpan(2)) == 50)
            {
                var close = ParseClose(frame.Payload[4..]);
                await SendMethodAsync(0, 10, 51);
                return close;
            }
        }
    }

    /// <summary>Reads up to channel.close on <paramref name="channel"/>, answers close-ok and returns its arguments.</summary>
    public async Task<RawClose> ExpectChannelCloseAsync(ushort channel)
    {
        var method = await ReadMethodAsync();
        if (method is { ClassId: 10, MethodId: 50 })
        {
            var connectionClose = ParseClose(method.Args);
            Assert.Fail($"expected channel.close, got connection.close {connectionClose.ReplyCode} {connectionClose.ReplyText}");
        }

        Assert.That((method.Channel, method.ClassId, method.MethodId), Is.EqualTo((channel, (ushort)20, (ushort)40)), "channel.close expected");
        await SendMethodAsync(channel, 20, 41);
        return ParseClose(method.Args);
    }

    public static RawClose ParseClose(byte[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var code = BinaryPrimitives.ReadUInt16BigEndian(args);
        var textLength = args[2];
        var text = Encoding.UTF8.GetString(args, 3, textLength);
        var rest = args.AsSpan(3 + textLength);
        return new RawClose(code, text, BinaryPrimitives.ReadUInt16BigEndian(rest), BinaryPrimitives.ReadUInt16BigEndian(rest[2..]));
    }

    public async ValueTask DisposeAsync()
    {
        if (_stream is not null)
        {
            await _stream.DisposeAsync();
        }

        _tcp.Dispose();
    }
}
