using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Framing;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.LoadGen.Raw;

/// <summary>
/// An AMQP 0-9-1 connection on a bare socket, with channel 1 open: the handshake is done with awaited frames,
/// after that the owner writes pre-encoded bytes and reads frames in a loop that allocates nothing per frame.
/// No heartbeats are negotiated.
/// </summary>
internal sealed class RawConnection : IAsyncDisposable
{
    public const ushort Channel = 1;

    private readonly Socket _socket;
    private readonly byte[] _input = new byte[1 << 20];
    private int _start;
    private int _end;

    private RawConnection(Socket socket)
    {
        _socket = socket;
    }

    /// <summary>The negotiated frame_max: the server's proposal.</summary>
    public uint FrameMax { get; private set; }

    /// <summary>Called for each complete frame the read loop takes off the socket: type, channel and payload.</summary>
    public delegate void FrameHandler(byte type, ushort channel, ReadOnlySpan<byte> payload);

    public static async Task<RawConnection> OpenAsync(Uri uri, string name, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var connection = new RawConnection(socket);
        try
        {
            await socket.ConnectAsync(uri.Host, uri.Port, cancellationToken).ConfigureAwait(false);
            await connection.HandshakeAsync(uri, name, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Sends a method on channel 1 and waits for the reply method <typeparamref name="TReply"/>.</summary>
    public async Task CallAsync<T, TReply>(T method, CancellationToken cancellationToken)
        where T : struct, IAmqpMethod<T>
        where TReply : struct, IAmqpMethod<TReply>
    {
        await SendAsync(Encode(Channel, method), cancellationToken).ConfigureAwait(false);
        await ExpectAsync<TReply>(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        while (!bytes.IsEmpty)
        {
            var sent = await _socket.SendAsync(bytes, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            bytes = bytes[sent..];
        }
    }

    /// <summary>Reads frames until the socket closes or the token is cancelled, handing each to <paramref name="onFrame"/>.</summary>
    public async Task ReadLoopAsync(FrameHandler onFrame, Func<ValueTask> afterBatch, CancellationToken cancellationToken)
    {
        while (true)
        {
            while (TryTakeFrame(out var type, out var channel, out var payloadStart, out var payloadLength))
            {
                onFrame(type, channel, _input.AsSpan(payloadStart, payloadLength));
            }

            await afterBatch().ConfigureAwait(false);
            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    public static byte[] Encode<T>(ushort channel, in T method)
        where T : struct, IAmqpMethod<T>
    {
        var buffer = new ArrayBufferWriter<byte>();
        FrameWriter.WriteMethod(buffer, channel, method);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The class and method id of a method frame's payload.</summary>
    public static uint CommandOf(ReadOnlySpan<byte> payload) => BinaryPrimitives.ReadUInt32BigEndian(payload);

    /// <summary>
    /// Ends a worker's read loop: stops it, closes this connection, waits for the loop (which ends with the
    /// socket) and disposes its stop source.
    /// </summary>
    public async Task CloseAfterReadingAsync(CancellationTokenSource stopReading, Task reading)
    {
        await stopReading.CancelAsync().ConfigureAwait(false);
        await DisposeAsync().ConfigureAwait(false);
        try
        {
            await reading.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The read loop ends with the socket.
        }

        stopReading.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.Connected)
            {
                using var closing = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await SendAsync(Encode(0, new ConnectionClose { ReplyCode = 200, ReplyText = "bye" }), closing.Token).ConfigureAwait(false);
                _socket.Shutdown(SocketShutdown.Send);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Closing is best effort: the run is over.
        }

        _socket.Dispose();
    }

    private async Task HandshakeAsync(Uri uri, string name, CancellationToken cancellationToken)
    {
        await SendAsync(ProtocolHeader.Amqp091.ToArray(), cancellationToken).ConfigureAwait(false);
        await ExpectAsync<ConnectionStart>(cancellationToken).ConfigureAwait(false);
        var user = Uri.UnescapeDataString(uri.UserInfo.Split(':')[0]);
        var password = uri.UserInfo.Contains(':') ? Uri.UnescapeDataString(uri.UserInfo[(uri.UserInfo.IndexOf(':') + 1)..]) : "";
        await SendAsync(Encode(0, new ConnectionStartOk
        {
            ClientProperties = new Dictionary<string, object?> { ["connection_name"] = name, ["product"] = "AmqpBroker.LoadGen (raw)" },
            Mechanism = "PLAIN",
            Response = Encoding.UTF8.GetBytes($"\0{user}\0{password}"),
            Locale = "en_US",
        }), cancellationToken).ConfigureAwait(false);
        var tune = await ExpectAsync<ConnectionTune>(cancellationToken).ConfigureAwait(false);
        FrameMax = tune.FrameMax;
        var vhost = uri.AbsolutePath.Length > 1 ? Uri.UnescapeDataString(uri.AbsolutePath[1..]) : "/";
        byte[] opening =
        [
            .. Encode(0, new ConnectionTuneOk { ChannelMax = tune.ChannelMax, FrameMax = tune.FrameMax, Heartbeat = 0 }),
            .. Encode(0, new ConnectionOpen { VirtualHost = vhost }),
            .. Encode(Channel, new ChannelOpen()),
        ];
        await SendAsync(opening, cancellationToken).ConfigureAwait(false);
        await ExpectAsync<ConnectionOpenOk>(cancellationToken).ConfigureAwait(false);
        await ExpectAsync<ChannelOpenOk>(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The next method frame, which must be <typeparamref name="T"/>; a close or anything else is an error naming it.</summary>
    private async Task<T> ExpectAsync<T>(CancellationToken cancellationToken)
        where T : struct, IAmqpMethod<T>
    {
        while (true)
        {
            while (TryTakeFrame(out var type, out _, out var start, out var length))
            {
                if (type != (byte)FrameType.Method)
                {
                    continue;
                }

                var command = CommandOf(_input.AsSpan(start, length));
                if (command != T.CommandId)
                {
                    throw new IOException($"expected {CommandInfo.GetName(T.CommandId)}, got {Describe(command, start, length)}");
                }

                var reader = new AmqpReader(_input.AsSpan(start + 4, length - 4));
                return T.Read(ref reader);
            }

            if (!await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new IOException($"the broker closed the connection while {CommandInfo.GetName(T.CommandId)} was expected");
            }
        }
    }

    private string Describe(uint command, int start, int length)
    {
        if (command is CommandIds.ConnectionClose or CommandIds.ChannelClose)
        {
            var reader = new AmqpReader(_input.AsSpan(start + 4, length - 4));
            return $"{CommandInfo.GetName(command)} {reader.ReadShort()} {reader.ReadShortString()}";
        }

        return CommandInfo.GetName(command);
    }

    private bool TryTakeFrame(out byte type, out ushort channel, out int payloadStart, out int payloadLength)
    {
        (type, channel, payloadStart, payloadLength) = (0, 0, 0, 0);
        var available = _end - _start;
        if (available < FrameReader.HeaderSize)
        {
            return false;
        }

        var header = _input.AsSpan(_start);
        var size = (int)BinaryPrimitives.ReadUInt32BigEndian(header[3..]);
        if (size + FrameReader.FrameOverhead > _input.Length)
        {
            throw new IOException($"frame of {size} bytes is larger than the read buffer");
        }

        if (available < size + FrameReader.FrameOverhead)
        {
            return false;
        }

        type = header[0];
        channel = BinaryPrimitives.ReadUInt16BigEndian(header[1..]);
        payloadStart = _start + FrameReader.HeaderSize;
        payloadLength = size;
        _start += size + FrameReader.FrameOverhead;
        return true;
    }

    /// <summary>Moves what is left to the front and reads more; false when the socket closed.</summary>
    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _input.AsSpan(_start, _end - _start).CopyTo(_input);
            _end -= _start;
            _start = 0;
        }

        var read = await _socket.ReceiveAsync(_input.AsMemory(_end), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        _end += read;
        return read > 0;
    }
}
