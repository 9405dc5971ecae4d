using System.Buffers.Binary;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Protocol.Content;

/// <summary>
/// A content header frame's payload: class id, weight, body size, then the property flags and list,
/// which stay raw (<see cref="Properties"/>) so the message is re-sent byte-identical.
/// </summary>
public readonly ref struct ContentHeader
{
    private const int FixedSize = 12;

    private ContentHeader(ushort classId, ulong bodySize, ReadOnlySpan<byte> properties, ContentSummary summary)
    {
        ClassId = classId;
        BodySize = bodySize;
        Properties = properties;
        Summary = summary;
    }

    public ushort ClassId { get; }

    public ulong BodySize { get; }

    /// <summary>The property-flags word(s) followed by the property list.</summary>
    public ReadOnlySpan<byte> Properties { get; }

    /// <summary>The properties the broker acts on, read once when the header arrives.</summary>
    public ContentSummary Summary { get; }

    public static ContentHeader Parse(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < FixedSize + 2)
        {
            throw new AmqpFormatException($"content header of {payload.Length} bytes is shorter than 14");
        }

        var classId = BinaryPrimitives.ReadUInt16BigEndian(payload);
        var bodySize = BinaryPrimitives.ReadUInt64BigEndian(payload[4..]);
        var properties = payload[FixedSize..];
        return new ContentHeader(classId, bodySize, properties, ContentSummary.Read(properties));
    }
}
