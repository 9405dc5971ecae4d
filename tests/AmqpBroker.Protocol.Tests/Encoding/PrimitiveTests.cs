using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Protocol.Tests.Encoding;

/// <summary>The integer and string primitives under field values: big-endian, length-prefixed.</summary>
[TestFixture]
public sealed class PrimitiveTests
{
    [Test]
    public void Integers_are_big_endian()
    {
        var buffer = new byte[15];
        var writer = new AmqpWriter(buffer);
        writer.WriteOctet(0xAB);
        writer.WriteShort(0x0102);
        writer.WriteLong(0x03040506);
        writer.WriteLongLong(0x0708090A0B0C0D0E);
        Assert.That(writer.Position, Is.EqualTo(15));
        Assert.That(Bytes.ToHex(buffer), Is.EqualTo("AB 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E"));

        var reader = new AmqpReader(buffer);
        Assert.That(reader.ReadOctet(), Is.EqualTo(0xAB));
        Assert.That(reader.ReadShort(), Is.EqualTo(0x0102));
        Assert.That(reader.ReadLong(), Is.EqualTo(0x03040506u));
        Assert.That(reader.ReadLongLong(), Is.EqualTo(0x0708090A0B0C0D0EUL));
        Assert.That(reader.Remaining, Is.Zero);
    }

    [Test]
    public void Short_and_long_strings()
    {
        var size = AmqpSize.ShortString("é") + AmqpSize.LongString("ab") + AmqpSize.LongString([0xFF]) + AmqpSize.ShortString(string.Empty);
        Assert.That(size, Is.EqualTo(3 + 6 + 5 + 1));

        var buffer = new byte[size];
        var writer = new AmqpWriter(buffer);
        writer.WriteShortString("é");
        writer.WriteLongString("ab");
        writer.WriteLongString([0xFF]);
        writer.WriteShortString(ReadOnlySpan<byte>.Empty);
        Assert.That(writer.Position, Is.EqualTo(size));
        Assert.That(Bytes.ToHex(buffer), Is.EqualTo("02 C3 A9 00 00 00 02 61 62 00 00 00 01 FF 00"));

        var reader = new AmqpReader(buffer);
        Assert.That(reader.ReadShortString(), Is.EqualTo("é"));
        Assert.That(reader.ReadLongString(), Is.EqualTo("ab"u8.ToArray()));
        Assert.That(reader.ReadLongStringBytes().ToArray(), Is.EqualTo(new byte[] { 0xFF }));
        Assert.That(reader.ReadShortString(), Is.Empty);
        Assert.That(reader.Remaining, Is.Zero);
    }

    [TestCase("amq.ctag-1")]
    [TestCase("")]
    [TestCase("route.ä.key")]
    [TestCase("abcdefghijklmnopqrstuvwxyz0123456789-abcdefghijklmnopqrstuvwxyz0123456789é")]
    public void A_short_string_is_its_UTF8_bytes_after_their_length_whether_or_not_it_is_ASCII(string value)
    {
        var utf8 = System.Text.Encoding.UTF8.GetBytes(value);
        var buffer = new byte[AmqpSize.ShortString(value) + 1];
        buffer[^1] = 0xCE;
        var writer = new AmqpWriter(buffer);

        writer.WriteShortString(value);

        Assert.That(writer.Position, Is.EqualTo(1 + utf8.Length));
        Assert.That(buffer, Is.EqualTo([(byte)utf8.Length, .. utf8, 0xCE]));
    }

    [Test]
    public void Short_string_of_255_bytes_is_the_longest()
    {
        var longest = new string('x', 255);
        var buffer = new byte[AmqpSize.ShortString(longest)];
        var writer = new AmqpWriter(buffer);
        writer.WriteShortString(longest);
        Assert.That(buffer[0], Is.EqualTo(255));
        Assert.That(new AmqpReader(buffer).ReadShortString(), Is.EqualTo(longest));

        Assert.Throws<ArgumentException>(() => new AmqpWriter(new byte[300]).WriteShortString(new string('x', 256)));
        Assert.Throws<ArgumentException>(() => new AmqpWriter(new byte[300]).WriteShortString(new string('é', 128)));
    }

    [Test]
    public void Timestamp_is_a_64_bit_count_of_seconds()
    {
        var buffer = new byte[8];
        var writer = new AmqpWriter(buffer);
        writer.WriteTimestamp(new AmqpTimestamp(1_700_000_000));
        Assert.That(Bytes.ToHex(buffer), Is.EqualTo("00 00 00 00 65 53 F1 00"));
        Assert.That(new AmqpReader(buffer).ReadTimestamp(), Is.EqualTo(new AmqpTimestamp(1_700_000_000)));
    }

    [Test]
    public void Reading_past_the_end_is_a_format_error_for_every_primitive()
    {
        Assert.Throws<AmqpFormatException>(() => new AmqpReader([]).ReadOctet());
        Assert.Throws<AmqpFormatException>(() => new AmqpReader([1]).ReadShort());
        Assert.Throws<AmqpFormatException>(() => new AmqpReader([1, 2, 3]).ReadLong());
        Assert.Throws<AmqpFormatException>(() => new AmqpReader([1, 2, 3, 4, 5, 6, 7]).ReadLongLong());
        Assert.Throws<AmqpFormatException>(() => new AmqpReader([1, 2, 3, 4, 5, 6, 7]).ReadTimestamp());
    }
}
