using System.Buffers.Binary;
using System.Net.Sockets;

namespace AmqpBroker.InteropTests.Fuzzing;

/// <summary>How a broker ended a fuzz case's connection.</summary>
internal enum FuzzEnding
{
    /// <summary>connection.close: a connection error.</summary>
    ConnectionClose,

    /// <summary>channel.close: a channel error (the connection stayed up until the client's half-close).</summary>
    ChannelClose,

    /// <summary>The socket closed without a close method.</summary>
    SocketClosed,

    /// <summary>Still open at the case's deadline.</summary>
    Hung,
}

/// <summary>
/// What a broker answered to a fuzz case: the first close method it sent (its reply code), or a socket
/// closed without one, or nothing by the deadline. The outcome of two brokers is compared by this.
/// </summary>
internal readonly record struct FuzzOutcome(FuzzEnding Ending, int ReplyCode = 0)
{
    public static readonly FuzzOutcome Closed = new(FuzzEnding.SocketClosed);
    public static readonly FuzzOutcome Hung = new(FuzzEnding.Hung);

    public override string ToString() => Ending switch
    {
        FuzzEnding.ConnectionClose => $"connection.close {ReplyCode}",
        FuzzEnding.ChannelClose => $"channel.close {ReplyCode}",
        FuzzEnding.SocketClosed => "socket closed",
        _ => "hung",
    };

    /// <summary>
    /// Closes the client's half of the socket after <paramref name="holdOpen"/> (at once when null) or as soon as a
    /// close method arrives, reads until the broker closes the socket (a reset counts too), and returns the first close
    /// method it sent; the deadline's cancellation propagates (the case hung). Holding the socket open matters for
    /// RabbitMQ: its reader ends the connection on the client's half-close before its channel processes have run
    /// the frames already handed to them.
    /// </summary>
    public static async Task<FuzzOutcome> ReadAsync(Socket socket, TimeSpan? holdOpen, CancellationToken deadline)
    {
        using var quiet = new CancellationTokenSource(holdOpen ?? TimeSpan.Zero);
        using var halfClose = quiet.Token.Register(() => HalfClose(socket));
        var received = new List<byte>();
        FuzzOutcome? first = null;
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, deadline)) > 0)
            {
                if (first is null)
                {
                    received.AddRange(buffer.AsSpan(0, read));
                    first = FirstClose([.. received]);
                    if (first is not null)
                    {
                        await quiet.CancelAsync();
                    }
                }
            }
        }
        catch (SocketException)
        {
            // Reset by the broker (it closed while our bytes were still arriving): closed all the same.
        }

        return first ?? Closed;
    }

    private static void HalfClose(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already reset or closed by the broker.
        }
    }

    /// <summary>The first connection.close or channel.close among the whole frames in <paramref name="bytes"/>.</summary>
    private static FuzzOutcome? FirstClose(ReadOnlySpan<byte> bytes)
    {
        while (bytes.Length >= 7)
        {
            var size = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(bytes[3..]), int.MaxValue - 8);
            if (bytes.Length < size + 8)
            {
                return null;
            }

            var payload = bytes.Slice(7, size);
            if (bytes[0] == 1 && payload.Length >= 6)
            {
                var method = (BinaryPrimitives.ReadUInt16BigEndian(payload), BinaryPrimitives.ReadUInt16BigEndian(payload[2..]));
                var code = BinaryPrimitives.ReadUInt16BigEndian(payload[4..]);
                switch (method)
                {
                    case (10, 50): return new FuzzOutcome(FuzzEnding.ConnectionClose, code);
                    case (20, 40): return new FuzzOutcome(FuzzEnding.ChannelClose, code);
                }
            }

            bytes = bytes[(size + 8)..];
        }

        return null;
    }
}
