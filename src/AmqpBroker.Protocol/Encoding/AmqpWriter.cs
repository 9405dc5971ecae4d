using System.Buffers.Binary;
using System.Text;

namespace AmqpBroker.Protocol.Encoding;

/// <summary>
/// Writes AMQP 0-9-1 primitive types into a span the caller sized exactly with the matching
/// <c>Size</c> helpers, so that a whole frame is encoded without intermediate buffers.
/// </summary>
public ref struct AmqpWriter
{
    private readonly Span<byte> _buffer;
    private int _position;

    public AmqpWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    public readonly int Position => _position;

    public void WriteOctet(byte value) => Take(1)[0] = value;

    public void WriteShort(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Take(2), value);

    public void WriteLong(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Take(4), value);

    public void WriteLongLong(ulong value) => BinaryPrimitives.WriteUInt64BigEndian(Take(8), value);

    public void WriteTimestamp(AmqpTimestamp value) => WriteLongLong((ulong)value.UnixSeconds);

    public void WriteShortString(string value)
    {
        // Names are almost always ASCII: one narrowing pass instead of counting UTF-8 bytes and then encoding.
        if (value.Length <= byte.MaxValue
            && Ascii.FromUtf16(value, _buffer[(_position + 1)..], out var written) == System.Buffers.OperationStatus.Done)
        {
            _buffer[_position] = (byte)written;
            _position += 1 + written;
            return;
        }

        var length = System.Text.Encoding.UTF8.GetByteCount(value);
        if (length > byte.MaxValue)
        {
            throw new ArgumentException($"short string of {length} bytes is longer than 255", nameof(value));
        }

        WriteOctet((byte)length);
        System.Text.Encoding.UTF8.GetBytes(value, Take(length));
    }

    public void WriteShortString(ReadOnlySpan<byte> utf8)
    {
        WriteOctet(checked((byte)utf8.Length));
        utf8.CopyTo(Take(utf8.Length));
    }

    public void WriteLongString(ReadOnlySpan<byte> value)
    {
        WriteLong((uint)value.Length);
        value.CopyTo(Take(value.Length));
    }

    public void WriteLongString(string value)
    {
        var length = System.Text.Encoding.UTF8.GetByteCount(value);
        WriteLong((uint)length);
        System.Text.Encoding.UTF8.GetBytes(value, Take(length));
    }

    public void WriteTable(IReadOnlyDictionary<string, object?>? table) => WriteTable(table, 1);

    public void WriteFieldValue(object? value) => WriteFieldValue(value, 0);

    private void WriteTable(IReadOnlyDictionary<string, object?>? table, int depth)
    {
        FieldTable.CheckDepth(depth);
        if (table is null || table.Count == 0)
        {
            WriteLong(0);
            return;
        }

        WriteLong((uint)(AmqpSize.Table(table) - 4));
        foreach (var (name, value) in table)
        {
            WriteShortString(name);
            WriteFieldValue(value, depth);
        }
    }

    private void WriteFieldValue(object? value, int depth)
    {
        switch (value)
        {
            case null: WriteOctet((byte)'V'); break;
            case bool b: WriteOctet((byte)'t'); WriteOctet(b ? (byte)1 : (byte)0); break;
            case sbyte sb: WriteOctet((byte)'b'); WriteOctet((byte)sb); break;
            case byte ub: WriteOctet((byte)'B'); WriteOctet(ub); break;
            case short s: WriteOctet((byte)'s'); WriteShort((ushort)s); break;
            case ushort us: WriteOctet((byte)'u'); WriteShort(us); break;
            case int i: WriteOctet((byte)'I'); WriteLong((uint)i); break;
            case uint ui: WriteOctet((byte)'i'); WriteLong(ui); break;
            case long l: WriteOctet((byte)'l'); WriteLongLong((ulong)l); break;
            case ulong ul: WriteOctet((byte)'l'); WriteLongLong(ul); break;
            case float f: WriteOctet((byte)'f'); WriteLong((uint)BitConverter.SingleToInt32Bits(f)); break;
            case double d: WriteOctet((byte)'d'); WriteLongLong((ulong)BitConverter.DoubleToInt64Bits(d)); break;
            case decimal m: WriteOctet((byte)'D'); WriteDecimal(m); break;
            case string str: WriteOctet((byte)'S'); WriteLongString(str); break;
            case byte[] bytes: WriteOctet((byte)'S'); WriteLongString(bytes); break;
            case ReadOnlyMemory<byte> binary: WriteOctet((byte)'x'); WriteLongString(binary.Span); break;
            case AmqpTimestamp ts: WriteOctet((byte)'T'); WriteTimestamp(ts); break;
            case IReadOnlyDictionary<string, object?> table: WriteOctet((byte)'F'); WriteTable(table, depth + 1); break;
            case IReadOnlyList<object?> list: WriteOctet((byte)'A'); WriteArray(list, depth + 1); break;
            default: throw new ArgumentException($"no AMQP field type for {value.GetType()}", nameof(value));
        }
    }

    private void WriteArray(IReadOnlyList<object?> list, int depth)
    {
        FieldTable.CheckDepth(depth);
        WriteLong((uint)(AmqpSize.FieldValue(list) - 5));
        foreach (var item in list)
        {
            WriteFieldValue(item, depth);
        }
    }

    private void WriteDecimal(decimal value)
    {
        var bits = decimal.GetBits(value);
        var negative = bits[3] < 0;
        var magnitude = (uint)bits[0];
        if (bits[1] != 0 || bits[2] != 0 || magnitude > (negative ? 1u << 31 : int.MaxValue))
        {
            throw new ArgumentException($"decimal {value} does not fit AMQP's 32-bit mantissa", nameof(value));
        }

        WriteOctet((byte)((bits[3] >> 16) & 0xFF));
        WriteLong(negative ? (uint)-(long)magnitude : magnitude);
    }

    private Span<byte> Take(int count)
    {
        var span = _buffer.Slice(_position, count);
        _position += count;
        return span;
    }
}
