using System.Buffers;
using System.Buffers.Binary;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Protocol.Framing;

/// <summary>
/// Parses frames from a pipe buffer: the 7-byte header first, the size checked against frame_max before
/// the payload is waited for, then the 0xCE end octet. A frame of a type AMQP does not define is still a
/// frame: its reader decides what to answer (RabbitMQ reads it whole first, then refuses it). The error
/// texts are RabbitMQ's.
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

        // Like RabbitMQ, tolerate payloads up to frame_max itself: many clients forget the 8 bytes of overhead.
        // RabbitMQ's text names the limit without that allowance.
        if (frameMax != 0 && size > frameMax)
        {
            throw new FrameFormatException(
                $"{ErlangBinary.DescribeFrame((byte)type, [])}: {{frame_too_large,{size},{(long)frameMax - FrameOverhead}}}");
        }

        if (buffer.Length < HeaderSize + size + 1)
        {
            return false;
        }

        var end = buffer.Slice(HeaderSize + size, 1).FirstSpan[0];
        if (end != AmqpConstants.FrameEnd)
        {
            var snippet = buffer.Slice(HeaderSize, Math.Min(size, ErlangBinary.SnippetLength + 1)).ToArray();
            throw new FrameFormatException($"{ErlangBinary.DescribeFrame((byte)type, snippet)}: {{invalid_frame_end_marker,{end}}}");
        }

        frame = new Frame(type, channel, buffer.Slice(HeaderSize, size));
        buffer = buffer.Slice(HeaderSize + size + 1);
        return true;
    }
}
