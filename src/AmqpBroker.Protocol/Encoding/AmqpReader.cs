using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace AmqpBroker.Protocol.Encoding;

/// <summary>
/// Reads AMQP 0-9-1 primitive types (big-endian integers, short and long strings, field tables) from a
/// contiguous span. Every read checks the remaining length and throws <see cref="AmqpFormatException"/>
/// on truncated or malformed input, never an index exception.
/// </summary>
public ref struct AmqpReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _buffer;
    private readonly ShortStringCache? _cache;

    /// <summary>How many tables or arrays enclose what this reader reads.</summary>
    private readonly int _depth;
    private int _position;

    public AmqpReader(ReadOnlySpan<byte> buffer, ShortStringCache? cache = null)
        : this(buffer, cache, 0)
    {
    }

    private AmqpReader(ReadOnlySpan<byte> buffer, ShortStringCache? cache, int depth)
    {
        _buffer = buffer;
        _cache = cache;
        _depth = depth;
        _position = 0;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _buffer.Length - _position;

    public byte ReadOctet() => Take(1)[0];

    /// <summary>Throws <see cref="AmqpFormatException"/> when anything is left to read (bytes after a method's arguments).</summary>
    public readonly void EnsureEnd()
    {
        if (Remaining > 0)
        {
            throw new AmqpFormatException($"{Remaining} bytes after the end of the arguments");
        }
    }

    public ushort ReadShort() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public uint ReadLong() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public ulong ReadLongLong() => BinaryPrimitives.ReadUInt64BigEndian(Take(8));

    public AmqpTimestamp ReadTimestamp() => new((long)ReadLongLong());

    public string ReadShortString()
    {
        var bytes = ReadShortStringBytes();
        return _cache is null ? DecodeUtf8(bytes) : _cache.GetOrAdd(bytes);
    }

    public ReadOnlySpan<byte> ReadShortStringBytes() => Take(ReadOctet());

    public byte[] ReadLongString() => ReadLongStringBytes().ToArray();

    public ReadOnlySpan<byte> ReadLongStringBytes()
    {
        var length = ReadLong();
        if (length > (uint)Remaining)
        {
            throw new AmqpFormatException($"long string of {length} bytes exceeds the {Remaining} bytes left in the frame");
        }

        return Take((int)length);
    }

    public IReadOnlyDictionary<string, object?> ReadTable()
    {
        var inner = Nested(ReadLongStringBytes());
        if (inner.Remaining == 0)
        {
            return FieldTable.Empty;
        }

        var table = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (inner.Remaining > 0)
        {
            var name = DecodeUtf8(inner.ReadShortStringBytes());
            // RabbitMQ keeps the last value when a name repeats; so do we.
            table[name] = inner.ReadFieldValue();
        }

        return table;
    }

    /// <summary>
    /// Steps over a table without building it, rejecting exactly what <see cref="ReadTable"/> rejects, so that
    /// a message accepted now cannot fail later where its headers are read (routing, dead-lettering).
    /// </summary>
    public void SkipTable()
    {
        var inner = Nested(ReadLongStringBytes());
        while (inner.Remaining > 0)
        {
            if (!Utf8.IsValid(inner.ReadShortStringBytes()))
            {
                throw new AmqpFormatException("short string is not valid UTF-8");
            }

            inner.SkipFieldValue();
        }
    }

    public void SkipFieldValue()
    {
        var type = (char)ReadOctet();
        switch (type)
        {
            case 't' or 'b' or 'B': Take(1); break;
            case 's' or 'u': Take(2); break;
            case 'I' or 'i' or 'f': Take(4); break;
            case 'l' or 'd' or 'T': Take(8); break;
            case 'D': ReadDecimal(); break;
            case 'S' or 'x': ReadLongStringBytes(); break;
            case 'F': SkipTable(); break;
            case 'A':
                var inner = Nested(ReadLongStringBytes());
                while (inner.Remaining > 0)
                {
                    inner.SkipFieldValue();
                }

                break;
            case 'V': break;
            default: throw new AmqpFormatException($"unknown field value type '{type}' (0x{(byte)type:X2})");
        }
    }

    public object? ReadFieldValue()
    {
        var type = (char)ReadOctet();
        return type switch
        {
            't' => ReadOctet() != 0,
            'b' => (sbyte)ReadOctet(),
            'B' => ReadOctet(),
            's' => (short)ReadShort(),
            'u' => ReadShort(),
            'I' => (int)ReadLong(),
            'i' => ReadLong(),
            'l' => (long)ReadLongLong(),
            'f' => BitConverter.Int32BitsToSingle((int)ReadLong()),
            'd' => BitConverter.Int64BitsToDouble((long)ReadLongLong()),
            'D' => ReadDecimal(),
            'S' => ReadLongStringValue(),
            'x' => new ReadOnlyMemory<byte>(ReadLongString()),
            'A' => ReadArray(),
            'T' => ReadTimestamp(),
            'F' => ReadTable(),
            'V' => null,
            _ => throw new AmqpFormatException($"unknown field value type '{type}' (0x{(byte)type:X2})"),
        };
    }

    internal static string DecodeUtf8(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new AmqpFormatException("short string is not valid UTF-8");
        }
    }

    private decimal ReadDecimal()
    {
        var scale = ReadOctet();
        var value = (int)ReadLong();
        if (scale > 28)
        {
            throw new AmqpFormatException($"decimal scale {scale} is larger than 28");
        }

        // |int.MinValue| still fits the low 32 bits of the decimal's mantissa.
        var magnitude = (uint)Math.Abs((long)value);
        return new decimal((int)magnitude, 0, 0, value < 0, scale);
    }

    /// <summary>
    /// A long string ('S') becomes a string when it is UTF-8, which is what RabbitMQ's clients send; other
    /// bytes stay a byte array so that re-encoding reproduces them exactly.
    /// </summary>
    private object ReadLongStringValue()
    {
        var bytes = ReadLongStringBytes();
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return bytes.ToArray();
        }
    }

    private List<object?> ReadArray()
    {
        var inner = Nested(ReadLongStringBytes());
        var items = new List<object?>();
        while (inner.Remaining > 0)
        {
            items.Add(inner.ReadFieldValue());
        }

        return items;
    }

    /// <summary>
    /// A reader for a table or array inside this one. Nesting is bounded (<see cref="FieldTable.MaxDepth"/>)
    /// so that a small frame of deeply nested tables cannot exhaust the stack of whoever walks it.
    /// </summary>
    private readonly AmqpReader Nested(ReadOnlySpan<byte> bytes)
    {
        if (_depth >= FieldTable.MaxDepth)
        {
            throw new AmqpFormatException($"field tables and arrays nested deeper than {FieldTable.MaxDepth} levels");
        }

        return new AmqpReader(bytes, null, _depth + 1);
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > _buffer.Length - _position)
        {
            throw new AmqpFormatException($"frame ends after {_buffer.Length} bytes, {count} more were expected at offset {_position}");
        }

        var span = _buffer.Slice(_position, count);
        _position += count;
        return span;
    }
}
