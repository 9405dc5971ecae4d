using System.Buffers;
using System.Buffers.Binary;
using AmqpBroker.Protocol.Framing;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.InteropTests.Fuzzing;

/// <summary>
/// Raw AMQP encodings for fuzz input: valid frames from the broker's own encoders, and the structures no
/// encoder will produce (tables nested past any limit, lengths that lie).
/// </summary>
internal static class Wire
{
    public static byte[] Method<T>(ushort channel, in T method)
        where T : struct, IAmqpMethod<T>
    {
        var buffer = new ArrayBufferWriter<byte>();
        FrameWriter.WriteMethod(buffer, channel, method);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Frame(byte type, ushort channel, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[payload.Length + 8];
        frame[0] = type;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(1), channel);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(3), (uint)payload.Length);
        payload.CopyTo(frame.AsSpan(7));
        frame[^1] = AmqpConstants.FrameEnd;
        return frame;
    }

    public static byte[] MethodFrame(ushort channel, ushort classId, ushort methodId, ReadOnlySpan<byte> arguments)
    {
        var payload = new byte[4 + arguments.Length];
        BinaryPrimitives.WriteUInt16BigEndian(payload, classId);
        BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(2), methodId);
        arguments.CopyTo(payload.AsSpan(4));
        return Frame(1, channel, payload);
    }

    /// <summary>A basic content header with the given raw property flags and list.</summary>
    public static byte[] ContentHeader(ushort channel, ulong bodySize, ReadOnlySpan<byte> properties)
    {
        var payload = new byte[12 + properties.Length];
        BinaryPrimitives.WriteUInt16BigEndian(payload, 60);
        BinaryPrimitives.WriteUInt64BigEndian(payload.AsSpan(4), bodySize);
        properties.CopyTo(payload.AsSpan(12));
        return Frame(2, channel, payload);
    }

    public static byte[] ShortString(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return [(byte)bytes.Length, .. bytes];
    }

    public static byte[] LongString(ReadOnlySpan<byte> value)
    {
        var bytes = new byte[4 + value.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)value.Length);
        value.CopyTo(bytes.AsSpan(4));
        return bytes;
    }

    /// <summary>
    /// A whole table (with its length) nesting <paramref name="depth"/> levels: tables under the key "a"
    /// (<c>'F'</c>) or arrays of one element (<c>'A'</c>), built from the inside out.
    /// </summary>
    public static byte[] NestedTable(char kind, int depth)
    {
        ReadOnlySpan<byte> prefix = kind == 'F' ? "\u0001aF"u8 : "A"u8;
        var levels = Math.Max(depth - 2, 0);
        var bytes = new byte[4 + 3 + (levels * (4 + prefix.Length)) + 4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)(bytes.Length - 4));
        bytes[4] = 1;
        bytes[5] = (byte)'x';
        bytes[6] = (byte)kind;
        var position = 7;
        for (var level = 0; level < levels; level++)
        {
            // Each level's length covers everything inside it, up to the innermost empty table or array.
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(position), (uint)(bytes.Length - position - 4));
            prefix.CopyTo(bytes.AsSpan(position + 4));
            position += 4 + prefix.Length;
        }

        return bytes; // the innermost length is already zero
    }
}
