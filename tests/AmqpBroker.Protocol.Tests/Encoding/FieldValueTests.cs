using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Protocol.Tests.Encoding;

/// <summary>Field values against hand-computed golden bytes, for every type letter RabbitMQ's clients send.</summary>
[TestFixture]
public sealed class FieldValueTests
{
    private static IEnumerable<TestCaseData> Golden() =>
        FieldCases.All.Select(c => new TestCaseData(c).SetArgDisplayNames(c.Label));

    private static IEnumerable<TestCaseData> WriteOnly() =>
        FieldCases.WriteOnly.Select(c => new TestCaseData(c).SetArgDisplayNames(c.Label));

    [TestCaseSource(nameof(Golden))]
    public void WriteFieldValue_writes_the_golden_bytes(object fieldCase)
    {
        var c = (FieldCase)fieldCase;
        Assert.That(Bytes.ToHex(FieldCodec.EncodeValue(c.Value)), Is.EqualTo(Bytes.ToHex(c.Wire)));
    }

    [TestCaseSource(nameof(Golden))]
    public void AmqpSize_FieldValue_is_the_golden_length(object fieldCase)
    {
        var c = (FieldCase)fieldCase;
        Assert.That(AmqpSize.FieldValue(c.Value), Is.EqualTo(c.Wire.Length));
    }

    [TestCaseSource(nameof(Golden))]
    public void ReadFieldValue_yields_the_documented_clr_type(object fieldCase)
    {
        var c = (FieldCase)fieldCase;
        FieldCodec.AssertEquivalent(c.ReadBack, FieldCodec.DecodeValue(c.Wire));
    }

    [TestCaseSource(nameof(Golden))]
    public void SkipFieldValue_consumes_exactly_the_value(object fieldCase)
    {
        var c = (FieldCase)fieldCase;
        var withTrailer = Bytes.Concat(c.Wire, [0xAA, 0xBB]);
        Assert.That(FieldCodec.SkipValue(withTrailer), Is.EqualTo(c.Wire.Length));
    }

    [TestCaseSource(nameof(Golden))]
    public void Reading_then_writing_reproduces_the_bytes(object fieldCase)
    {
        var c = (FieldCase)fieldCase;
        Assert.That(Bytes.ToHex(FieldCodec.EncodeValue(FieldCodec.DecodeValue(c.Wire))), Is.EqualTo(Bytes.ToHex(c.Wire)));
    }

    [TestCaseSource(nameof(Golden))]
    public void Value_inside_a_one_entry_table(object fieldCase)
    {
        var c = (FieldCase)fieldCase;
        var table = new Dictionary<string, object?> { ["k"] = c.Value };
        var expected = Bytes.Of(0, 0, 0, 2 + c.Wire.Length, 1, "k", c.Wire);

        Assert.That(Bytes.ToHex(FieldCodec.EncodeTable(table)), Is.EqualTo(Bytes.ToHex(expected)));
        Assert.That(AmqpSize.Table(table), Is.EqualTo(expected.Length));
        FieldCodec.AssertEquivalent(new Dictionary<string, object?> { ["k"] = c.ReadBack }, FieldCodec.DecodeTable(expected));
        Assert.That(FieldCodec.SkipTable(expected), Is.EqualTo(expected.Length));
    }

    [TestCaseSource(nameof(WriteOnly))]
    public void Write_only_clr_types(object fieldCase)
    {
        var c = (FieldCase)fieldCase;
        Assert.That(Bytes.ToHex(FieldCodec.EncodeValue(c.Value)), Is.EqualTo(Bytes.ToHex(c.Wire)));
        FieldCodec.AssertEquivalent(c.ReadBack, FieldCodec.DecodeValue(c.Wire));
    }

    [Test]
    public void Golden_cases_cover_every_type_letter()
    {
        var letters = FieldCases.All.Select(c => c.TypeLetter).Distinct().Order().ToArray();
        Assert.That(new string(letters), Is.EqualTo(new string("tbBsuIilfdDSxATFV".Order().ToArray())));
    }

    [Test]
    public void Decimal_with_mantissa_int_min_reads_and_writes_back()
    {
        // Scale 0, mantissa 0x80000000 = -2147483648 as a signed 32-bit integer.
        var wire = Bytes.Hex("44 00 80 00 00 00");
        var value = FieldCodec.DecodeValue(wire);
        FieldCodec.AssertEquivalent(-2147483648m, value);

        // What the reader produces, the writer must accept: headers are re-encoded for dead-lettering and the admin API.
        Assert.That(Bytes.ToHex(FieldCodec.EncodeValue(value)), Is.EqualTo(Bytes.ToHex(wire)));
    }

    [TestCase(2147483648.0)]
    [TestCase(4294967296.0)]
    [TestCase(-2147483649.0)]
    public void Decimal_beyond_32_bit_mantissa_is_refused_by_the_writer(double number)
    {
        var value = (decimal)number;
        Assert.Throws<ArgumentException>(() => new AmqpWriter(new byte[16]).WriteFieldValue(value));
    }

    [Test]
    public void Decimal_scale_above_28_is_a_format_error()
    {
        Assert.Throws<AmqpFormatException>(() => new AmqpReader(Bytes.Hex("44 1D 00 00 00 01")).ReadFieldValue());
    }

    [TestCase("FF", TestName = "lone 0xFF")]
    [TestCase("C0 AF", TestName = "overlong slash")]
    [TestCase("ED A0 80", TestName = "UTF-16 surrogate")]
    [TestCase("E2 82", TestName = "truncated sequence")]
    [TestCase("61 80 62", TestName = "stray continuation byte")]
    [TestCase("F4 90 80 80", TestName = "beyond U+10FFFF")]
    public void Long_string_that_is_not_UTF8_reads_as_byte_array_and_rewrites_identically(string hex)
    {
        var content = Bytes.Hex(hex);
        var wire = Bytes.Of((int)'S', 0, 0, 0, content.Length, content);

        var value = FieldCodec.DecodeValue(wire);
        FieldCodec.AssertEquivalent(content, value);
        Assert.That(FieldCodec.EncodeValue(value), Is.EqualTo(wire));

        var tableWire = Bytes.Of(0, 0, 0, 2 + wire.Length, 1, "h", wire);
        Assert.That(FieldCodec.EncodeTable(FieldCodec.DecodeTable(tableWire)), Is.EqualTo(tableWire));
    }

    [Test]
    public void Unsupported_clr_type_is_refused_by_writer_and_sizer()
    {
        Assert.Throws<ArgumentException>(() => AmqpSize.FieldValue(new object()));
        Assert.Throws<ArgumentException>(() => AmqpSize.FieldValue(DateTime.UnixEpoch));
        Assert.Throws<ArgumentException>(() => new AmqpWriter(new byte[16]).WriteFieldValue(new object()));
    }
}
