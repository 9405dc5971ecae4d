using System.Buffers.Binary;
using System.Text;
using AmqpBroker.Core.Messages;

namespace AmqpBroker.Storage.Messages;

/// <summary>
/// The payload of a publish record, enough to rebuild the message exactly after a restart: id (8 bytes),
/// expiry in Unix milliseconds (8), exchange and routing key (2-byte length + UTF-8 each), raw content
/// properties and body (4-byte length + bytes each). Parsing only slices the payload, so scanning a log
/// at start allocates nothing per record. Made by <see cref="TryParse"/>.
/// </summary>
internal readonly ref struct PublishRecord(long id, long expiresAt, ReadOnlySpan<byte> exchange, ReadOnlySpan<byte> routingKey, ReadOnlySpan<byte> properties, ReadOnlySpan<byte> body)
{
    public long Id { get; } = id;

    public long ExpiresAt { get; } = expiresAt;

    public ReadOnlySpan<byte> Exchange { get; } = exchange;

    public ReadOnlySpan<byte> RoutingKey { get; } = routingKey;

    public ReadOnlySpan<byte> Properties { get; } = properties;

    public ReadOnlySpan<byte> Body { get; } = body;

    public static int PayloadSize(Message message) =>
        8 + 8 + 2 + Encoding.UTF8.GetByteCount(message.Exchange) + 2 + Encoding.UTF8.GetByteCount(message.RoutingKey)
        + 4 + message.Properties.Length + 4 + message.BodySize;

    public static void Write(Span<byte> destination, long id, long expiresAt, Message message)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination, id);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], expiresAt);
        var position = 16;
        position += WriteString(destination[position..], message.Exchange);
        position += WriteString(destination[position..], message.RoutingKey);
        position += WriteBytes(destination[position..], message.Properties);
        WriteBytes(destination[position..], message.Body);
    }

    /// <summary>Slices a publish payload; false when its inner lengths do not add up (treated like a bad CRC).</summary>
    public static bool TryParse(ReadOnlySpan<byte> payload, out PublishRecord record)
    {
        record = default;
        if (payload.Length < 16)
        {
            return false;
        }

        var id = BinaryPrimitives.ReadInt64LittleEndian(payload);
        var expiresAt = BinaryPrimitives.ReadInt64LittleEndian(payload[8..]);
        if (!TrySlice(payload[16..], 2, out var exchange, out var rest) || !TrySlice(rest, 2, out var routingKey, out rest)
            || !TrySlice(rest, 4, out var properties, out rest) || !TrySlice(rest, 4, out var body, out rest) || !rest.IsEmpty)
        {
            return false;
        }

        record = new PublishRecord(id, expiresAt, exchange, routingKey, properties, body);
        return true;
    }

    public Message ToMessage() =>
        Message.Create(Encoding.UTF8.GetString(Exchange), Encoding.UTF8.GetString(RoutingKey), Properties, Body);

    private static int WriteString(Span<byte> destination, string value)
    {
        var length = Encoding.UTF8.GetBytes(value, destination[2..]);
        BinaryPrimitives.WriteUInt16LittleEndian(destination, (ushort)length);
        return 2 + length;
    }

    private static int WriteBytes(Span<byte> destination, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, value.Length);
        value.CopyTo(destination[4..]);
        return 4 + value.Length;
    }

    /// <summary>Splits one length-prefixed field (a <paramref name="prefixSize"/>-byte little-endian length) off the front of <paramref name="data"/>.</summary>
    private static bool TrySlice(ReadOnlySpan<byte> data, int prefixSize, out ReadOnlySpan<byte> value, out ReadOnlySpan<byte> rest)
    {
        value = rest = default;
        if (data.Length < prefixSize)
        {
            return false;
        }

        long length = prefixSize == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(data) : BinaryPrimitives.ReadInt32LittleEndian(data);
        if (length < 0 || data.Length - prefixSize < length)
        {
            return false;
        }

        value = data.Slice(prefixSize, (int)length);
        rest = data[(prefixSize + (int)length)..];
        return true;
    }
}
