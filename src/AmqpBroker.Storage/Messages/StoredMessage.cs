using System.Buffers.Binary;
using System.Text;

namespace AmqpBroker.Storage.Messages;

/// <summary>A message as the log keeps it: enough to rebuild it exactly after a restart.</summary>
public sealed record StoredMessage(long Id, string Exchange, string RoutingKey, byte[] Properties, byte[] Body)
{
    internal static int PayloadSize(string exchange, string routingKey, int propertiesLength, int bodyLength) =>
        8 + 2 + Encoding.UTF8.GetByteCount(exchange) + 2 + Encoding.UTF8.GetByteCount(routingKey) + 4 + propertiesLength + 4 + bodyLength;

    internal static void Write(Span<byte> destination, long id, string exchange, string routingKey, ReadOnlySpan<byte> properties, ReadOnlySpan<byte> body)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination, id);
        var position = 8;
        position += WriteString(destination[position..], exchange);
        position += WriteString(destination[position..], routingKey);
        position += WriteBytes(destination[position..], properties);
        WriteBytes(destination[position..], body);
    }

    /// <summary>Reads a publish payload; null when its inner lengths do not add up (treated like a bad CRC).</summary>
    internal static StoredMessage? Read(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 8)
        {
            return null;
        }

        var id = BinaryPrimitives.ReadInt64LittleEndian(payload);
        payload = payload[8..];
        if (!TryReadString(ref payload, out var exchange) || !TryReadString(ref payload, out var routingKey)
            || !TryReadBytes(ref payload, out var properties) || !TryReadBytes(ref payload, out var body) || payload.Length != 0)
        {
            return null;
        }

        return new StoredMessage(id, exchange, routingKey, properties, body);
    }

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

    private static bool TryReadString(ref ReadOnlySpan<byte> payload, out string value)
    {
        value = string.Empty;
        if (payload.Length < 2 || payload.Length - 2 < BinaryPrimitives.ReadUInt16LittleEndian(payload))
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt16LittleEndian(payload);
        value = Encoding.UTF8.GetString(payload.Slice(2, length));
        payload = payload[(2 + length)..];
        return true;
    }

    private static bool TryReadBytes(ref ReadOnlySpan<byte> payload, out byte[] value)
    {
        value = [];
        if (payload.Length < 4)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(payload);
        if (length < 0 || payload.Length - 4 < length)
        {
            return false;
        }

        value = payload.Slice(4, length).ToArray();
        payload = payload[(4 + length)..];
        return true;
    }
}
