using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.LoadGen.Raw;

/// <summary>Reading the replies the raw workers care about.</summary>
internal static class RawReplies
{
    /// <summary>"code text" of a connection.close or channel.close payload.</summary>
    public static string CloseText(ReadOnlySpan<byte> payload)
    {
        var reader = new AmqpReader(payload[4..]);
        return $"{reader.ReadShort()} {reader.ReadShortString()}";
    }
}
