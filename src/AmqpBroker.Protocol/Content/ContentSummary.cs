using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Protocol.Content;

/// <summary>
/// The few basic properties the broker routes and stores by, read from the raw property list without
/// allocating. Reading walks every present property, so a malformed list is rejected here, on arrival, as
/// strictly as RabbitMQ's decoder: no continuation flag word (the basic class has no 16th property) and
/// nothing after the last property.
/// </summary>
// Auto layout puts the long first: 16 bytes instead of 24 in every message.
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Auto)]
public readonly record struct ContentSummary(PropertyFlags Flags, byte DeliveryMode, byte Priority, long ExpirationMs, bool ExpirationValid)
{
    /// <summary><see cref="ExpirationMs"/> when the message has no expiration property.</summary>
    public const long NoExpiration = -1;

    public bool IsPersistent => DeliveryMode == 2;

    public static ContentSummary Read(ReadOnlySpan<byte> properties)
    {
        var reader = new AmqpReader(properties);
        if (properties.Length >= 2 && (properties[1] & 1) != 0)
        {
            throw new AmqpFormatException("the property flags continue into a second word, which the basic class does not have");
        }

        var flags = BasicProperties.ReadFlags(ref reader);
        byte deliveryMode = 0, priority = 0;
        long expiration = NoExpiration;
        var expirationValid = true;

        Skip(ref reader, flags, PropertyFlags.ContentType);
        Skip(ref reader, flags, PropertyFlags.ContentEncoding);
        if ((flags & PropertyFlags.Headers) != 0)
        {
            reader.SkipTable();
        }

        if ((flags & PropertyFlags.DeliveryMode) != 0)
        {
            deliveryMode = reader.ReadOctet();
        }

        if ((flags & PropertyFlags.Priority) != 0)
        {
            priority = reader.ReadOctet();
        }

        Skip(ref reader, flags, PropertyFlags.CorrelationId);
        Skip(ref reader, flags, PropertyFlags.ReplyTo);
        if ((flags & PropertyFlags.Expiration) != 0)
        {
            expirationValid = TryParseExpiration(reader.ReadShortStringBytes(), out expiration);
        }

        Skip(ref reader, flags, PropertyFlags.MessageId);
        if ((flags & PropertyFlags.Timestamp) != 0)
        {
            reader.ReadLongLong();
        }

        Skip(ref reader, flags, PropertyFlags.Type);
        Skip(ref reader, flags, PropertyFlags.UserId);
        Skip(ref reader, flags, PropertyFlags.AppId);
        Skip(ref reader, flags, PropertyFlags.ClusterId);
        reader.EnsureEnd();
        return new ContentSummary(flags, deliveryMode, priority, expiration, expirationValid);
    }

    private static void Skip(ref AmqpReader reader, PropertyFlags flags, PropertyFlags property)
    {
        if ((flags & property) != 0)
        {
            reader.ReadShortStringBytes();
        }
    }

    /// <summary>RabbitMQ accepts an expiration of decimal digits only: a non-negative number of milliseconds.</summary>
    private static bool TryParseExpiration(ReadOnlySpan<byte> text, out long milliseconds)
    {
        milliseconds = NoExpiration;
        if (text.IsEmpty || text.Length > 18)
        {
            return false;
        }

        long value = 0;
        foreach (var digit in text)
        {
            if (digit is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (digit - '0');
        }

        milliseconds = value;
        return true;
    }
}
