using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Protocol.Content;

/// <summary>
/// All 14 basic content properties, decoded from and encoded to the flag-word form. Used off the hot
/// path: for headers-exchange routing, dead-lettering, the admin API. Published messages keep their raw
/// bytes instead, so they are re-sent exactly as received.
/// </summary>
public sealed class BasicProperties
{
    private const ushort Continuation = 1;

    public string? ContentType { get; set; }

    public string? ContentEncoding { get; set; }

    public IReadOnlyDictionary<string, object?>? Headers { get; set; }

    public byte? DeliveryMode { get; set; }

    public byte? Priority { get; set; }

    public string? CorrelationId { get; set; }

    public string? ReplyTo { get; set; }

    public string? Expiration { get; set; }

    public string? MessageId { get; set; }

    public AmqpTimestamp? Timestamp { get; set; }

    public string? Type { get; set; }

    public string? UserId { get; set; }

    public string? AppId { get; set; }

    public string? ClusterId { get; set; }

    public static BasicProperties Decode(ReadOnlySpan<byte> raw)
    {
        var reader = new AmqpReader(raw);
        var flags = ReadFlags(ref reader);
        var properties = new BasicProperties();
        if (Has(flags, PropertyFlags.ContentType)) properties.ContentType = reader.ReadShortString();
        if (Has(flags, PropertyFlags.ContentEncoding)) properties.ContentEncoding = reader.ReadShortString();
        if (Has(flags, PropertyFlags.Headers)) properties.Headers = reader.ReadTable();
        if (Has(flags, PropertyFlags.DeliveryMode)) properties.DeliveryMode = reader.ReadOctet();
        if (Has(flags, PropertyFlags.Priority)) properties.Priority = reader.ReadOctet();
        if (Has(flags, PropertyFlags.CorrelationId)) properties.CorrelationId = reader.ReadShortString();
        if (Has(flags, PropertyFlags.ReplyTo)) properties.ReplyTo = reader.ReadShortString();
        if (Has(flags, PropertyFlags.Expiration)) properties.Expiration = reader.ReadShortString();
        if (Has(flags, PropertyFlags.MessageId)) properties.MessageId = reader.ReadShortString();
        if (Has(flags, PropertyFlags.Timestamp)) properties.Timestamp = reader.ReadTimestamp();
        if (Has(flags, PropertyFlags.Type)) properties.Type = reader.ReadShortString();
        if (Has(flags, PropertyFlags.UserId)) properties.UserId = reader.ReadShortString();
        if (Has(flags, PropertyFlags.AppId)) properties.AppId = reader.ReadShortString();
        if (Has(flags, PropertyFlags.ClusterId)) properties.ClusterId = reader.ReadShortString();
        return properties;
    }

    /// <summary>Encodes the flag word and property list, the form a content header carries.</summary>
    public byte[] Encode()
    {
        var size = 2
            + SizeOf(ContentType) + SizeOf(ContentEncoding)
            + (Headers is null ? 0 : AmqpSize.Table(Headers))
            + (DeliveryMode is null ? 0 : 1) + (Priority is null ? 0 : 1)
            + SizeOf(CorrelationId) + SizeOf(ReplyTo) + SizeOf(Expiration) + SizeOf(MessageId)
            + (Timestamp is null ? 0 : 8)
            + SizeOf(Type) + SizeOf(UserId) + SizeOf(AppId) + SizeOf(ClusterId);
        var buffer = new byte[size];
        var writer = new AmqpWriter(buffer);
        writer.WriteShort((ushort)Flags);
        WriteIfSet(ref writer, ContentType);
        WriteIfSet(ref writer, ContentEncoding);
        if (Headers is not null) writer.WriteTable(Headers);
        if (DeliveryMode is { } deliveryMode) writer.WriteOctet(deliveryMode);
        if (Priority is { } priority) writer.WriteOctet(priority);
        WriteIfSet(ref writer, CorrelationId);
        WriteIfSet(ref writer, ReplyTo);
        WriteIfSet(ref writer, Expiration);
        WriteIfSet(ref writer, MessageId);
        if (Timestamp is { } timestamp) writer.WriteTimestamp(timestamp);
        WriteIfSet(ref writer, Type);
        WriteIfSet(ref writer, UserId);
        WriteIfSet(ref writer, AppId);
        WriteIfSet(ref writer, ClusterId);
        return buffer;
    }

    public PropertyFlags Flags =>
        (ContentType is null ? 0 : PropertyFlags.ContentType)
        | (ContentEncoding is null ? 0 : PropertyFlags.ContentEncoding)
        | (Headers is null ? 0 : PropertyFlags.Headers)
        | (DeliveryMode is null ? 0 : PropertyFlags.DeliveryMode)
        | (Priority is null ? 0 : PropertyFlags.Priority)
        | (CorrelationId is null ? 0 : PropertyFlags.CorrelationId)
        | (ReplyTo is null ? 0 : PropertyFlags.ReplyTo)
        | (Expiration is null ? 0 : PropertyFlags.Expiration)
        | (MessageId is null ? 0 : PropertyFlags.MessageId)
        | (Timestamp is null ? 0 : PropertyFlags.Timestamp)
        | (Type is null ? 0 : PropertyFlags.Type)
        | (UserId is null ? 0 : PropertyFlags.UserId)
        | (AppId is null ? 0 : PropertyFlags.AppId)
        | (ClusterId is null ? 0 : PropertyFlags.ClusterId);

    /// <summary>Reads the flag word(s); continuation words carry no basic-class flags and are skipped.</summary>
    public static PropertyFlags ReadFlags(ref AmqpReader reader)
    {
        var first = reader.ReadShort();
        var word = first;
        while ((word & Continuation) != 0)
        {
            word = reader.ReadShort();
        }

        return (PropertyFlags)(first & ~Continuation);
    }

    private static bool Has(PropertyFlags flags, PropertyFlags property) => (flags & property) != 0;

    private static int SizeOf(string? value) => value is null ? 0 : AmqpSize.ShortString(value);

    private static void WriteIfSet(ref AmqpWriter writer, string? value)
    {
        if (value is not null)
        {
            writer.WriteShortString(value);
        }
    }
}
