using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Protocol.Tests.Content;

/// <summary>
/// The 14 basic-class properties (spec 1.8): a 16-bit flag word, bit 15 for the first property down to
/// bit 2 for the fourteenth, bit 0 announcing another flag word; then the present properties in order.
/// </summary>
[TestFixture]
public sealed class BasicPropertiesTests
{
    /// <summary>Every property set, and the property list worked out by hand.</summary>
    internal static readonly byte[] AllFourteenWire = Bytes.Of(
        0xFF, 0xFC,                                     // 14 flags: bits 15..2
        16, "application/json",                         // content-type
        4, "gzip",                                      // content-encoding
        0x00, 0x00, 0x00, 0x07, 1, "k", "I", 0x00, 0x00, 0x00, 0x01, // headers {k: I 1}
        0x02,                                           // delivery-mode
        0x09,                                           // priority
        3, "c-1",                                       // correlation-id
        1, "r",                                         // reply-to
        5, "60000",                                     // expiration
        4, "m-42",                                      // message-id
        0x00, 0x00, 0x00, 0x00, 0x65, 0x53, 0xF1, 0x00, // timestamp 1700000000
        1, "t",                                         // type
        5, "guest",                                     // user-id
        3, "app",                                       // app-id
        2, "cl");                                       // cluster-id (reserved)

    internal static BasicProperties AllFourteen() => new()
    {
        ContentType = "application/json",
        ContentEncoding = "gzip",
        Headers = new Dictionary<string, object?> { ["k"] = 1 },
        DeliveryMode = 2,
        Priority = 9,
        CorrelationId = "c-1",
        ReplyTo = "r",
        Expiration = "60000",
        MessageId = "m-42",
        Timestamp = new AmqpTimestamp(1700000000),
        Type = "t",
        UserId = "guest",
        AppId = "app",
        ClusterId = "cl",
    };

    private static IEnumerable<TestCaseData> SingleProperties()
    {
        yield return Case("content-type", p => p.ContentType = "x", 0x8000, Bytes.Of(1, "x"), p => p.ContentType);
        yield return Case("content-encoding", p => p.ContentEncoding = "x", 0x4000, Bytes.Of(1, "x"), p => p.ContentEncoding);
        yield return Case("headers", p => p.Headers = new Dictionary<string, object?> { ["a"] = true }, 0x2000, Bytes.Of(0, 0, 0, 4, 1, "a", "t", 1), p => p.Headers);
        yield return Case("delivery-mode", p => p.DeliveryMode = 1, 0x1000, Bytes.Of(1), p => p.DeliveryMode);
        yield return Case("priority", p => p.Priority = 255, 0x0800, Bytes.Of(255), p => p.Priority);
        yield return Case("correlation-id", p => p.CorrelationId = "x", 0x0400, Bytes.Of(1, "x"), p => p.CorrelationId);
        yield return Case("reply-to", p => p.ReplyTo = "x", 0x0200, Bytes.Of(1, "x"), p => p.ReplyTo);
        yield return Case("expiration", p => p.Expiration = "x", 0x0100, Bytes.Of(1, "x"), p => p.Expiration);
        yield return Case("message-id", p => p.MessageId = "x", 0x0080, Bytes.Of(1, "x"), p => p.MessageId);
        yield return Case("timestamp", p => p.Timestamp = new AmqpTimestamp(258), 0x0040, Bytes.Of(0, 0, 0, 0, 0, 0, 1, 2), p => p.Timestamp);
        yield return Case("type", p => p.Type = "x", 0x0020, Bytes.Of(1, "x"), p => p.Type);
        yield return Case("user-id", p => p.UserId = "x", 0x0010, Bytes.Of(1, "x"), p => p.UserId);
        yield return Case("app-id", p => p.AppId = "x", 0x0008, Bytes.Of(1, "x"), p => p.AppId);
        yield return Case("cluster-id", p => p.ClusterId = "x", 0x0004, Bytes.Of(1, "x"), p => p.ClusterId);

        static TestCaseData Case(string name, Action<BasicProperties> set, int flag, byte[] value, Func<BasicProperties, object?> get) =>
            new TestCaseData(set, flag, value, get).SetArgDisplayNames(name);
    }

    [Test]
    public void No_properties_is_a_zero_flag_word()
    {
        var properties = new BasicProperties();
        Assert.That(properties.Encode(), Is.EqualTo(Bytes.Hex("00 00")));
        Assert.That(properties.Flags, Is.EqualTo(PropertyFlags.None));

        var read = BasicProperties.Decode(Bytes.Hex("00 00"));
        Assert.That(read.Encode(), Is.EqualTo(Bytes.Hex("00 00")));
        AssertAllUnset(read);
    }

    [TestCaseSource(nameof(SingleProperties))]
    public void Each_property_alone_sets_its_flag_bit_and_nothing_else(Action<BasicProperties> set, int flag, byte[] value, Func<BasicProperties, object?> get)
    {
        var properties = new BasicProperties();
        set(properties);
        var expected = Bytes.Concat([(byte)(flag >> 8), (byte)flag], value);

        Assert.That(Bytes.ToHex(properties.Encode()), Is.EqualTo(Bytes.ToHex(expected)));
        Assert.That((ushort)properties.Flags, Is.EqualTo(flag));

        var read = BasicProperties.Decode(expected);
        Assert.That(get(read), Is.EqualTo(get(properties)));
        Assert.That(read.Flags, Is.EqualTo(properties.Flags));
        Assert.That(read.Encode(), Is.EqualTo(expected));
    }

    [Test]
    public void Flag_bits_follow_the_spec_order_of_the_fourteen_properties()
    {
        PropertyFlags[] specOrder =
        [
            PropertyFlags.ContentType, PropertyFlags.ContentEncoding, PropertyFlags.Headers, PropertyFlags.DeliveryMode,
            PropertyFlags.Priority, PropertyFlags.CorrelationId, PropertyFlags.ReplyTo, PropertyFlags.Expiration,
            PropertyFlags.MessageId, PropertyFlags.Timestamp, PropertyFlags.Type, PropertyFlags.UserId,
            PropertyFlags.AppId, PropertyFlags.ClusterId,
        ];
        for (var i = 0; i < specOrder.Length; i++)
        {
            Assert.That((int)specOrder[i], Is.EqualTo(1 << (15 - i)), specOrder[i].ToString());
        }
    }

    [Test]
    public void All_fourteen_properties_write_the_golden_bytes()
    {
        var properties = AllFourteen();
        Assert.That(Bytes.ToHex(properties.Encode()), Is.EqualTo(Bytes.ToHex(AllFourteenWire)));
        Assert.That((ushort)properties.Flags, Is.EqualTo(0xFFFC));
    }

    [Test]
    public void All_fourteen_properties_read_back()
    {
        var read = BasicProperties.Decode(AllFourteenWire);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(read.ContentType, Is.EqualTo("application/json"));
            Assert.That(read.ContentEncoding, Is.EqualTo("gzip"));
            Assert.That(read.Headers, Is.EqualTo(new Dictionary<string, object?> { ["k"] = 1 }));
            Assert.That(read.DeliveryMode, Is.EqualTo(2));
            Assert.That(read.Priority, Is.EqualTo(9));
            Assert.That(read.CorrelationId, Is.EqualTo("c-1"));
            Assert.That(read.ReplyTo, Is.EqualTo("r"));
            Assert.That(read.Expiration, Is.EqualTo("60000"));
            Assert.That(read.MessageId, Is.EqualTo("m-42"));
            Assert.That(read.Timestamp, Is.EqualTo(new AmqpTimestamp(1700000000)));
            Assert.That(read.Type, Is.EqualTo("t"));
            Assert.That(read.UserId, Is.EqualTo("guest"));
            Assert.That(read.AppId, Is.EqualTo("app"));
            Assert.That(read.ClusterId, Is.EqualTo("cl"));
        }

        Assert.That(read.Encode(), Is.EqualTo(AllFourteenWire));
    }

    [Test]
    public void Empty_string_and_zero_are_set_not_absent()
    {
        var properties = new BasicProperties { ContentType = string.Empty, Priority = 0, Headers = FieldTable.Empty };
        var expected = Bytes.Of(0xA8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00);

        Assert.That(Bytes.ToHex(properties.Encode()), Is.EqualTo(Bytes.ToHex(expected)));
        var read = BasicProperties.Decode(expected);
        Assert.That((read.ContentType, read.Priority, read.Headers?.Count), Is.EqualTo((string.Empty, (byte?)0, (int?)0)));
    }

    [Test]
    public void Every_other_property_set()
    {
        // content-type, headers, priority, reply-to, message-id, type, app-id: bits 15, 13, 11, 9, 7, 5, 3
        var properties = new BasicProperties
        {
            ContentType = "a",
            Headers = new Dictionary<string, object?>(),
            Priority = 1,
            ReplyTo = "b",
            MessageId = "c",
            Type = "d",
            AppId = "e",
        };
        var expected = Bytes.Of(0xAA, 0xA8, 1, "a", 0, 0, 0, 0, 1, 1, "b", 1, "c", 1, "d", 1, "e");

        Assert.That(Bytes.ToHex(properties.Encode()), Is.EqualTo(Bytes.ToHex(expected)));
        var read = BasicProperties.Decode(expected);
        Assert.That(
            (read.ContentType, read.ContentEncoding, read.Priority, read.DeliveryMode, read.ReplyTo, read.MessageId, read.Type, read.AppId, read.UserId),
            Is.EqualTo(("a", (string?)null, (byte?)1, (byte?)null, "b", "c", "d", "e", (string?)null)));
    }

    [Test]
    public void Headers_table_with_many_field_types_round_trips()
    {
        var headers = new Dictionary<string, object?>
        {
            ["string"] = "text",
            ["int"] = -5,
            ["long"] = long.MaxValue,
            ["bool"] = false,
            ["double"] = 2.5,
            ["decimal"] = 12.34m,
            ["timestamp"] = new AmqpTimestamp(1),
            ["table"] = new Dictionary<string, object?> { ["inner"] = "x" },
            ["array"] = new List<object?> { 1, "two", null },
            ["void"] = null,
        };
        var properties = new BasicProperties { Headers = headers, DeliveryMode = 2 };

        var wire = properties.Encode();
        var read = BasicProperties.Decode(wire);

        Assert.That(read.Headers, Is.EqualTo(headers));
        Assert.That(read.DeliveryMode, Is.EqualTo(2));
        Assert.That(read.Encode(), Is.EqualTo(wire));
    }

    [Test]
    public void Continuation_flag_words_are_read_past()
    {
        // delivery-mode plus the continuation bit, then a second flag word (no more basic properties exist)
        var read = BasicProperties.Decode(Bytes.Hex("10 01 00 00 02"));
        Assert.That(read.DeliveryMode, Is.EqualTo(2));
        Assert.That(read.Flags, Is.EqualTo(PropertyFlags.DeliveryMode));

        // three flag words: the second also has its continuation bit set
        var chained = BasicProperties.Decode(Bytes.Of(0x80, 0x01, 0x00, 0x01, 0x00, 0x00, 3, "a/b"));
        Assert.That(chained.ContentType, Is.EqualTo("a/b"));
    }

    [Test]
    public void Encoding_never_sets_the_continuation_bit()
    {
        Assert.That(AllFourteen().Encode()[1] & 0x01, Is.Zero);
    }

    [Test]
    public void Property_list_truncated_at_any_length_is_a_format_error()
    {
        for (var length = 0; length < AllFourteenWire.Length; length++)
        {
            var truncated = AllFourteenWire[..length];
            Assert.Throws<AmqpFormatException>(() => BasicProperties.Decode(truncated), $"{length} of {AllFourteenWire.Length} bytes");
        }
    }

    [Test]
    public void Continuation_bit_without_the_next_flag_word_is_a_format_error()
    {
        Assert.Throws<AmqpFormatException>(() => BasicProperties.Decode(Bytes.Hex("00 01")));
        Assert.Throws<AmqpFormatException>(() => BasicProperties.Decode(Bytes.Hex("00 01 00")));
    }

    private static void AssertAllUnset(BasicProperties p)
    {
        object?[] values =
        [
            p.ContentType, p.ContentEncoding, p.Headers, p.DeliveryMode, p.Priority, p.CorrelationId, p.ReplyTo,
            p.Expiration, p.MessageId, p.Timestamp, p.Type, p.UserId, p.AppId, p.ClusterId,
        ];
        Assert.That(values, Has.All.Null);
    }
}
