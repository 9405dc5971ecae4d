using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Storage.Definitions;

/// <summary>Arguments are stored in their AMQP wire encoding, so every field type comes back exactly.</summary>
internal static class FieldTableBlob
{
    public static byte[] Encode(IReadOnlyDictionary<string, object?> table)
    {
        var bytes = new byte[AmqpSize.Table(table)];
        var writer = new AmqpWriter(bytes);
        writer.WriteTable(table);
        return bytes;
    }

    public static IReadOnlyDictionary<string, object?> Decode(byte[] bytes) => new AmqpReader(bytes).ReadTable();
}
