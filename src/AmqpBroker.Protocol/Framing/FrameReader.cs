using System.Buffers;
using System.Buffers.Binary;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Protocol.Framing;

/// <summary>
/// Parses frames from a pipe buffer: the 7-byte header first, the size checked against frame_max before
/// the payload is waited for, then the 0xCE end octet.
/// </summary>
public static class FrameReader
{
    public const int HeaderSize = 7;

    /// <summary>Header plus end octet: what a frame costs beyond its payload.</summary>
    public const int FrameOverhead = HeaderSize + 1;

    /// <summary>
    /// Returns false while <paramref name="buffer"/> holds no complete frame; on success slices the frame
    /// off the front of <paramref name="buffer"/>. Throws <see cref="FrameFormatException"/> on a frame
    /// that can never become valid.
    /// </summary>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, uint frameMax, out Frame frame)
    {
        frame = default;
        if (buffer.Length < HeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        var type = (FrameType)header[0];
        var channel = BinaryPrimitives.ReadUInt16BigEndian(header[1..]);
        var size = BinaryPrimitives.ReadUInt32BigEndian(header[3..]);

        if (type is not (FrameType.Method or FrameType.Header or FrameType.Body or FrameType.Heartbeat))
        {
            throw new FrameFormatException($"unknown frame type {(byte)type}");
        }

        // Like RabbitMQ, tolerate payloads up to frame_max itself: many clients forget the 8 bytes of overhead.
        if (frameMax != 0 && size > frameMax)
        {
            throw new FrameFormatException($"frame_too_large: a payload of {size} bytes, more than the {frameMax} frame_max allows");
        }

        if (buffer.Length < HeaderSize + size + 1)
        {
            return false;
        }

        var end = buffer.Slice(HeaderSize + size, 1).FirstSpan[0];
        if (end != AmqpConstants.FrameEnd)
        {
            throw new FrameFormatException($"frame end octet is 0x{end:X2}, expected 0xCE");
        }

        frame = new Frame(type, channel, buffer.Slice(HeaderSize, size));
        buffer = buffer.Slice(HeaderSize + size + 1);
        return true;
    }
}
