using System.Buffers;
using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Framing;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Protocol.Tests.Content;

/// <summary>
/// The content header payload (spec 4.2.6.1): class-id short, weight short (0), body-size longlong, then the
/// property flags and list. The broker keeps the property bytes raw and re-sends them unchanged.
/// </summary>
[TestFixture]
public sealed class ContentHeaderTests
{
    [Test]
    public void Fixed_fields_and_the_raw_property_bytes()
    {
        var payload = Bytes.Concat(
            Bytes.Hex("00 3C 00 00 00 00 00 01 00 00 00 2A"),   // class 60, weight 0, body size 2^32 + 42
            BasicPropertiesTests.AllFourteenWire);

        var header = ContentHeader.Parse(payload);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(header.ClassId, Is.EqualTo(60));
            Assert.That(header.BodySize, Is.EqualTo((1UL << 32) + 42));
            Assert.That(header.Properties.ToArray(), Is.EqualTo(BasicPropertiesTests.AllFourteenWire));
            Assert.That(header.Summary.Flags, Is.EqualTo((PropertyFlags)0xFFFC));
            Assert.That(header.Summary.DeliveryMode, Is.EqualTo(2));
            Assert.That(header.Summary.IsPersistent, Is.True);
            Assert.That(header.Summary.Priority, Is.EqualTo(9));
            Assert.That(header.Summary.ExpirationMs, Is.EqualTo(60000));
            Assert.That(header.Summary.ExpirationValid, Is.True);
        }
    }

    [Test]
    public void Header_without_properties()
    {
        var header = ContentHeader.Parse(Bytes.Hex("00 3C 00 00 00 00 00 00 00 00 00 00 00 00"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(header.BodySize, Is.Zero);
            Assert.That(header.Properties.ToArray(), Is.EqualTo(Bytes.Hex("00 00")));
            Assert.That(header.Summary.Flags, Is.EqualTo(PropertyFlags.None));
            Assert.That(header.Summary.DeliveryMode, Is.Zero);
            Assert.That(header.Summary.IsPersistent, Is.False);
            Assert.That(header.Summary.ExpirationMs, Is.EqualTo(ContentSummary.NoExpiration));
            Assert.That(header.Summary.ExpirationValid, Is.True);
        }
    }

    [Test]
    public void Raw_properties_are_re_sent_byte_identical_even_where_decoding_would_normalise_them()
    {
        // A headers table that decoding plus re-encoding would change: a repeated name (the last wins),
        // a long string that is not UTF-8, and a 'u' value.
        byte[] table =
        [
            .. Bytes.Of(1, "b", "S", 0, 0, 0, 2, 0xFF, 0xFE),
            .. Bytes.Of(1, "a", "u", 0x00, 0x07),
            .. Bytes.Of(1, "b", "I", 0, 0, 0, 1),
        ];
        var properties = Bytes.Concat(
            Bytes.Of(0x30, 0x00),                       // headers + delivery-mode
            Bytes.Of(0, 0, 0, table.Length), table,
            Bytes.Of(0x01));
        var payload = Bytes.Concat(Bytes.Hex("00 3C 00 00 00 00 00 00 00 00 00 03"), properties);
        var frame = Bytes.Concat(Bytes.Of(0x02, 0x00, 0x05, 0x00, 0x00, 0x00, payload.Length), payload, [0xCE]);

        var buffer = new ReadOnlySequence<byte>(frame);
        Assert.That(FrameReader.TryReadFrame(ref buffer, 4096, out var received), Is.True);
        var header = ContentHeader.Parse(received.Payload.ToArray());
        Assert.That(header.Summary.DeliveryMode, Is.EqualTo(1));
        Assert.That(BasicProperties.Decode(header.Properties).Encode(), Is.Not.EqualTo(header.Properties.ToArray()), "decoding normalises");

        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteContentHeader(output, 5, header.BodySize, header.Properties);

        Assert.That(Bytes.ToHex(output.WrittenSpan), Is.EqualTo(Bytes.ToHex(frame)));
    }

    [Test]
    public void All_fourteen_properties_through_a_whole_frame_and_back()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteContentHeader(output, 1, 1234, BasicPropertiesTests.AllFourteen().Encode());

        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
        Assert.That(FrameReader.TryReadFrame(ref buffer, 4096, out var frame), Is.True);
        Assert.That(frame.Type, Is.EqualTo(FrameType.Header));
        var header = ContentHeader.Parse(frame.Payload.ToArray());

        Assert.That(header.BodySize, Is.EqualTo(1234));
        Assert.That(header.Properties.ToArray(), Is.EqualTo(BasicPropertiesTests.AllFourteenWire));
    }

    [Test]
    public void A_continuation_flag_word_cannot_be_decoded()
    {
        // The basic class has 14 properties: RabbitMQ's decoder has no use for a second word and fails on it.
        Assert.Throws<AmqpFormatException>(() => ContentHeader.Parse(Bytes.Hex("00 3C 00 00 00 00 00 00 00 00 00 00 18 01 00 00 02 05")));
    }

    [Test]
    public void Bytes_after_the_last_property_cannot_be_decoded()
    {
        Assert.Throws<AmqpFormatException>(() => ContentHeader.Parse(Bytes.Hex("00 3C 00 00 00 00 00 00 00 00 00 00 10 00 02 FF")));
    }

    [TestCase("0", 0L)]
    [TestCase("60000", 60000L)]
    [TestCase("000123", 123L)]
    [TestCase("999999999999999999", 999999999999999999L)]
    public void Expiration_of_decimal_digits_is_milliseconds(string expiration, long milliseconds)
    {
        var summary = SummaryOf(new BasicProperties { Expiration = expiration });
        Assert.That((summary.ExpirationValid, summary.ExpirationMs), Is.EqualTo((true, milliseconds)));
    }

    [TestCase("")]
    [TestCase("-1")]
    [TestCase("+1")]
    [TestCase(" 1")]
    [TestCase("1.5")]
    [TestCase("1e3")]
    [TestCase("abc")]
    public void Expiration_that_is_not_a_non_negative_integer_is_flagged_invalid(string expiration)
    {
        var summary = SummaryOf(new BasicProperties { Expiration = expiration });
        Assert.That(summary.ExpirationValid, Is.False);
    }

    [Test]
    public void Payload_shorter_than_the_fixed_fields_and_a_flag_word_is_a_format_error()
    {
        var complete = Bytes.Hex("00 3C 00 00 00 00 00 00 00 00 00 00 00 00");
        for (var length = 0; length < complete.Length; length++)
        {
            var truncated = complete[..length];
            Assert.Throws<AmqpFormatException>(() => ContentHeader.Parse(truncated), $"{length} bytes");
        }

        Assert.DoesNotThrow(() => ContentHeader.Parse(complete));
    }

    [Test]
    public void Property_list_cut_short_is_a_format_error_at_every_length()
    {
        var fixedPart = Bytes.Hex("00 3C 00 00 00 00 00 00 00 00 00 00");
        for (var length = 0; length < BasicPropertiesTests.AllFourteenWire.Length; length++)
        {
            var payload = Bytes.Concat(fixedPart, BasicPropertiesTests.AllFourteenWire[..length]);
            Assert.Throws<AmqpFormatException>(() => ContentHeader.Parse(payload), $"{length} property bytes");
        }
    }

    [TestCase("80 00", Description = "content-type announced, nothing follows")]
    [TestCase("80 00 05 61 62", Description = "content-type length beyond the payload")]
    [TestCase("20 00 00 00 00 09 01 61 74 01", Description = "headers table length beyond the payload")]
    [TestCase("20 00 00 00 00 03 01 61 51", Description = "headers table with an unknown field type")]
    [TestCase("00 40 00 00 00 00", Description = "timestamp of four bytes")]
    [TestCase("00 01", Description = "continuation word missing")]
    public void Malformed_property_list_is_a_format_error(string hex)
    {
        var payload = Bytes.Concat(Bytes.Hex("00 3C 00 00 00 00 00 00 00 00 00 00"), Bytes.Hex(hex));
        Assert.Throws<AmqpFormatException>(() => ContentHeader.Parse(payload));
    }

    private static ContentSummary SummaryOf(BasicProperties properties)
    {
        var payload = Bytes.Concat(Bytes.Hex("00 3C 00 00 00 00 00 00 00 00 00 00"), properties.Encode());
        return ContentHeader.Parse(payload).Summary;
    }
}
