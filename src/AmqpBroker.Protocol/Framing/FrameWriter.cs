using System.Buffers;
using System.Buffers.Binary;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Protocol.Framing;

/// <summary>Encodes whole frames straight into an output buffer (the connection's pipe writer).</summary>
public static class FrameWriter
{
    private const ushort BasicClassId = 60;

    public static void WriteMethod<T>(IBufferWriter<byte> output, ushort channel, in T method)
        where T : struct, IAmqpMethod<T>
    {
        var payloadSize = 4 + method.ArgumentsSize;
        var span = output.GetSpan(payloadSize + FrameReader.FrameOverhead);
        WriteHeader(span, FrameType.Method, channel, payloadSize);
        BinaryPrimitives.WriteUInt16BigEndian(span[7..], T.ClassId);
        BinaryPrimitives.WriteUInt16BigEndian(span[9..], T.MethodId);
        var writer = new AmqpWriter(span.Slice(11, method.ArgumentsSize));
        method.WriteArguments(ref writer);
        span[FrameReader.HeaderSize + payloadSize] = AmqpConstants.FrameEnd;
        output.Advance(payloadSize + FrameReader.FrameOverhead);
    }

    /// <summary>
    /// Writes a basic content header. <paramref name="properties"/> is the raw property-flags word and
    /// property list exactly as the publisher sent them, so a message is re-sent byte-identical.
    /// </summary>
    public static void WriteContentHeader(IBufferWriter<byte> output, ushort channel, ulong bodySize, ReadOnlySpan<byte> properties)
    {
        var payloadSize = 12 + properties.Length;
        var span = output.GetSpan(payloadSize + FrameReader.FrameOverhead);
        WriteHeader(span, FrameType.Header, channel, payloadSize);
        BinaryPrimitives.WriteUInt16BigEndian(span[7..], BasicClassId);
        BinaryPrimitives.WriteUInt16BigEndian(span[9..], 0);
        BinaryPrimitives.WriteUInt64BigEndian(span[11..], bodySize);
        properties.CopyTo(span[19..]);
        span[FrameReader.HeaderSize + payloadSize] = AmqpConstants.FrameEnd;
        output.Advance(payloadSize + FrameReader.FrameOverhead);
    }

    /// <summary>Body frames up to this size are written into one span; larger ones are copied across the writer's segments.</summary>
    public const int ContiguousBodyFrameMax = 4096;

    /// <summary>Writes <paramref name="body"/> as as many body frames as <paramref name="frameMax"/> requires.</summary>
    public static void WriteBody(IBufferWriter<byte> output, ushort channel, ReadOnlySpan<byte> body, uint frameMax)
    {
        var chunkMax = (int)Math.Min(frameMax - FrameReader.FrameOverhead, int.MaxValue - FrameReader.FrameOverhead);
        while (!body.IsEmpty)
        {
            var chunk = body[..Math.Min(body.Length, chunkMax)];
            if (chunk.Length + FrameReader.FrameOverhead <= ContiguousBodyFrameMax)
            {
                var span = output.GetSpan(chunk.Length + FrameReader.FrameOverhead);
                WriteHeader(span, FrameType.Body, channel, chunk.Length);
                chunk.CopyTo(span[FrameReader.HeaderSize..]);
                span[FrameReader.HeaderSize + chunk.Length] = AmqpConstants.FrameEnd;
                output.Advance(chunk.Length + FrameReader.FrameOverhead);
            }
            else
            {
                WriteSegmentedBodyFrame(output, channel, chunk);
            }

            body = body[chunk.Length..];
        }
    }

    /// <summary>
    /// A large body frame in pieces that fit the writer's segments: asking a pipe for one span of 64 KiB + 8 bytes
    /// makes it rent a 128 KiB array outside its pool for every frame.
    /// </summary>
    private static void WriteSegmentedBodyFrame(IBufferWriter<byte> output, ushort channel, ReadOnlySpan<byte> chunk)
    {
        WriteHeader(output.GetSpan(FrameReader.HeaderSize), FrameType.Body, channel, chunk.Length);
        output.Advance(FrameReader.HeaderSize);
        output.Write(chunk);
        output.GetSpan(1)[0] = AmqpConstants.FrameEnd;
        output.Advance(1);
    }

    public static void WriteHeartbeat(IBufferWriter<byte> output)
    {
        var span = output.GetSpan(FrameReader.FrameOverhead);
        WriteHeader(span, FrameType.Heartbeat, 0, 0);
        span[FrameReader.HeaderSize] = AmqpConstants.FrameEnd;
        output.Advance(FrameReader.FrameOverhead);
    }

    private static void WriteHeader(Span<byte> span, FrameType type, ushort channel, int payloadSize)
    {
        span[0] = (byte)type;
        BinaryPrimitives.WriteUInt16BigEndian(span[1..], channel);
        BinaryPrimitives.WriteUInt32BigEndian(span[3..], (uint)payloadSize);
    }
}
