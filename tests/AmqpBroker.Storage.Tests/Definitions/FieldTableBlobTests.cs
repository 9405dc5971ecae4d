using System.Buffers.Binary;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Storage.Definitions;

namespace AmqpBroker.Storage.Tests.Definitions;

/// <summary>Stored arguments are the wire encoding: a table at the nesting limit round-trips, a deeper one is refused either way.</summary>
[TestFixture]
public sealed class FieldTableBlobTests
{
    private const int FarPastTheLimit = 50_000;

    [Test]
    public void A_table_at_the_nesting_limit_round_trips()
    {
        var blob = FieldTableBlob.Encode(Nested(FieldTable.MaxDepth));

        var decoded = FieldTableBlob.Decode(blob);
        Assert.That(FieldTableBlob.Encode(decoded), Is.EqualTo(blob));
    }

    [Test]
    public void A_table_nested_far_past_the_limit_is_refused_when_encoded()
    {
        Assert.Throws<AmqpFormatException>(() => FieldTableBlob.Encode(Nested(FarPastTheLimit)));
    }

    [Test]
    public void A_blob_nested_far_past_the_limit_is_refused_when_decoded()
    {
        // Built byte by byte (the encoder refuses it): each level is a table holding "a" of type F.
        var blob = new byte[4];
        for (var level = 1; level < FarPastTheLimit; level++)
        {
            var wrapped = new byte[blob.Length + 7];
            BinaryPrimitives.WriteUInt32BigEndian(wrapped, (uint)(blob.Length + 3));
            "\u0001aF"u8.CopyTo(wrapped.AsSpan(4));
            blob.CopyTo(wrapped, 7);
            blob = wrapped;
        }

        Assert.Throws<AmqpFormatException>(() => FieldTableBlob.Decode(blob));
    }

    private static Dictionary<string, object?> Nested(int depth)
    {
        var table = new Dictionary<string, object?>();
        for (var level = 1; level < depth; level++)
        {
            table = new Dictionary<string, object?> { ["a"] = table };
        }

        return table;
    }
}
