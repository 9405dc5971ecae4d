using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Protocol.Tests.Encoding;

/// <summary>
/// Malformed input raises <see cref="AmqpFormatException"/> and nothing else, and the skipping readers
/// (used on the publish path) accept and reject exactly what the materialising readers do.
/// </summary>
[TestFixture]
public sealed class MalformedInputTests
{
    private static IEnumerable<TestCaseData> Golden() =>
        FieldCases.All.Select(c => new TestCaseData(c).SetArgDisplayNames(c.Label));

    [Test]
    public void Table_with_every_type_truncated_at_every_length_is_a_format_error()
    {
        var (wire, _) = FieldCases.EveryTypeTableWire();
        for (var length = 0; length < wire.Length; length++)
        {
            var truncated = wire[..length];
            Assert.Throws<AmqpFormatException>(() => new AmqpReader(truncated).ReadTable(), $"ReadTable, {length} bytes");
            Assert.Throws<AmqpFormatException>(() => new AmqpReader(truncated).SkipTable(), $"SkipTable, {length} bytes");
        }
    }

    [Test]
    public void Table_body_cut_anywhere_but_a_field_boundary_is_a_format_error()
    {
        // The table's length prefix is rewritten to match the cut, so the cut lands inside the table body.
        var (wire, fieldEnds) = FieldCases.EveryTypeTableWire();
        var boundaries = new HashSet<int>(fieldEnds) { 4 };
        for (var end = 4; end <= wire.Length; end++)
        {
            var cut = wire[..end];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(cut, (uint)(end - 4));
            if (boundaries.Contains(end))
            {
                var fields = fieldEnds.Count(e => e <= end);
                Assert.That(new AmqpReader(cut).ReadTable(), Has.Count.EqualTo(fields), $"ReadTable cut at {end}");
                Assert.DoesNotThrow(() => new AmqpReader(cut).SkipTable(), $"SkipTable cut at {end}");
            }
            else
            {
                Assert.Throws<AmqpFormatException>(() => new AmqpReader(cut).ReadTable(), $"ReadTable cut at {end}");
                Assert.Throws<AmqpFormatException>(() => new AmqpReader(cut).SkipTable(), $"SkipTable cut at {end}");
            }
        }
    }

    [TestCaseSource(nameof(Golden))]
    public void Field_value_truncated_at_every_length_is_a_format_error(object fieldCase)
    {
        var c = (FieldCase)fieldCase;
        for (var length = 0; length < c.Wire.Length; length++)
        {
            var truncated = c.Wire[..length];
            Assert.Throws<AmqpFormatException>(() => new AmqpReader(truncated).ReadFieldValue(), $"ReadFieldValue, {length} bytes");
            Assert.Throws<AmqpFormatException>(() => new AmqpReader(truncated).SkipFieldValue(), $"SkipFieldValue, {length} bytes");
        }
    }

    [TestCase((byte)'Z')]
    [TestCase((byte)'U')]
    [TestCase((byte)'L')]
    [TestCase((byte)'c')]
    [TestCase((byte)'a')]
    [TestCase((byte)0x00)]
    [TestCase((byte)0xCE)]
    [TestCase((byte)0xFF)]
    public void Unknown_type_letter_is_a_format_error(byte letter)
    {
        var value = new byte[] { letter, 0, 0, 0, 0, 0, 0, 0, 0 };
        Assert.Throws<AmqpFormatException>(() => new AmqpReader(value).ReadFieldValue());
        Assert.Throws<AmqpFormatException>(() => new AmqpReader(value).SkipFieldValue());

        var table = Bytes.Of(0, 0, 0, 11, 1, "k", value);
        Assert.Throws<AmqpFormatException>(() => new AmqpReader(table).ReadTable());
        Assert.Throws<AmqpFormatException>(() => new AmqpReader(table).SkipTable());

        var array = Bytes.Of((int)'A', 0, 0, 0, 9, value);
        Assert.Throws<AmqpFormatException>(() => new AmqpReader(array).ReadFieldValue());
        Assert.Throws<AmqpFormatException>(() => new AmqpReader(array).SkipFieldValue());
    }

    [TestCase("53 00 00 00 10 61", TestName = "S length 16, 1 byte left")]
    [TestCase("53 7F FF FF FF 61", TestName = "S length int max")]
    [TestCase("53 80 00 00 00 61", TestName = "S length 2^31")]
    [TestCase("53 FF FF FF FF 61", TestName = "S length uint max")]
    [TestCase("78 00 00 00 02 61", TestName = "x length beyond buffer")]
    [TestCase("78 FF FF FF FF", TestName = "x length uint max")]
    [TestCase("41 00 00 00 06 49 00 00 00 01", TestName = "A length beyond buffer")]
    [TestCase("41 FF FF FF FC", TestName = "A length uint max - 3")]
    [TestCase("46 00 00 00 05 01 61 56", TestName = "F length beyond buffer")]
    [TestCase("46 FF FF FF FF", TestName = "F length uint max")]
    public void Length_prefix_beyond_the_buffer_is_a_format_error(string hex)
    {
        var value = Bytes.Hex(hex);
        Assert.Throws<AmqpFormatException>(() => new AmqpReader(value).ReadFieldValue());
        Assert.Throws<AmqpFormatException>(() => new AmqpReader(value).SkipFieldValue());
    }

    [TestCase("00 00 00 01")]
    [TestCase("FF FF FF FF 01 61 56")]
    [TestCase("80 00 00 00")]
    public void Table_length_beyond_the_buffer_is_a_format_error(string hex)
    {
        var table = Bytes.Hex(hex);
        Assert.Throws<AmqpFormatException>(() => new AmqpReader(table).ReadTable());
        Assert.Throws<AmqpFormatException>(() => new AmqpReader(table).SkipTable());
    }

    [TestCase("00 00 00 05 61 62 63")]
    [TestCase("FF FF FF FF")]
    [TestCase("00 00 00")]
    public void ReadLongString_beyond_the_buffer_is_a_format_error(string hex)
    {
        var bytes = Bytes.Hex(hex);
        Assert.Throws<AmqpFormatException>(() => new AmqpReader(bytes).ReadLongString());
        Assert.Throws<AmqpFormatException>(() => new AmqpReader(bytes).ReadLongStringBytes());
    }

    [TestCase("")]
    [TestCase("05 61 62")]
    [TestCase("FF")]
    public void ReadShortString_beyond_the_buffer_is_a_format_error(string hex)
    {
        var bytes = Bytes.Hex(hex);
        Assert.Throws<AmqpFormatException>(() => new AmqpReader(bytes).ReadShortString());
        Assert.Throws<AmqpFormatException>(() => new AmqpReader(bytes, new ShortStringCache()).ReadShortString());
        Assert.Throws<AmqpFormatException>(() => new AmqpReader(bytes).ReadShortStringBytes());
    }

    [TestCase("FF", TestName = "0xFF")]
    [TestCase("C3 28", TestName = "bad continuation")]
    [TestCase("C0 AF", TestName = "overlong")]
    [TestCase("ED A0 80", TestName = "surrogate")]
    [TestCase("E2 82", TestName = "truncated sequence")]
    [TestCase("80", TestName = "lone continuation")]
    public void Short_string_that_is_not_UTF8_is_a_format_error(string hex)
    {
        var content = Bytes.Hex(hex);
        var shortString = Bytes.Of(content.Length, content);
        Assert.Throws<AmqpFormatException>(() => new AmqpReader(shortString).ReadShortString());
        Assert.Throws<AmqpFormatException>(() => new AmqpReader(shortString, new ShortStringCache()).ReadShortString());
    }

    [TestCase("FF", TestName = "0xFF")]
    [TestCase("C3 28", TestName = "bad continuation")]
    [TestCase("ED A0 80", TestName = "surrogate")]
    public void Field_name_that_is_not_UTF8_is_rejected_by_ReadTable_and_SkipTable(string hex)
    {
        var name = Bytes.Hex(hex);
        var table = Bytes.Of(0, 0, 0, 1 + name.Length + 1, name.Length, name, (int)'V');
        Assert.Throws<AmqpFormatException>(() => new AmqpReader(table).ReadTable(), "ReadTable");
        Assert.Throws<AmqpFormatException>(() => new AmqpReader(table).SkipTable(), "SkipTable must reject what ReadTable rejects");
    }

    [TestCase(29)]
    [TestCase(255)]
    public void Decimal_scale_above_28_is_rejected_by_ReadTable_and_SkipTable(int scale)
    {
        var table = Bytes.Of(0, 0, 0, 8, 1, "d", (int)'D', scale, 0, 0, 0, 1);
        Assert.Throws<AmqpFormatException>(() => new AmqpReader(table).ReadTable(), "ReadTable");
        Assert.Throws<AmqpFormatException>(() => new AmqpReader(table).SkipTable(), "SkipTable must reject what ReadTable rejects");
    }

    private static IEnumerable<TestCaseData> MalformedTables()
    {
        yield return new TestCaseData("00 00 00 02 01 61").SetArgDisplayNames("name without value");
        yield return new TestCaseData("00 00 00 01 05").SetArgDisplayNames("name longer than table");
        yield return new TestCaseData("00 00 00 04 01 61 5A 00").SetArgDisplayNames("unknown type");
        yield return new TestCaseData("00 00 00 08 01 61 41 00 00 00 01 5A").SetArgDisplayNames("unknown type inside array");
        yield return new TestCaseData("00 00 00 0A 01 61 46 00 00 00 03 01 62 5A").SetArgDisplayNames("unknown type inside nested table");
        yield return new TestCaseData("00 00 00 09 01 61 41 00 00 00 04 49 00").SetArgDisplayNames("array longer than its table");
        yield return new TestCaseData("00 00 00 09 01 61 41 00 00 00 02 49 00 00 00").SetArgDisplayNames("array element longer than its array");
        yield return new TestCaseData("00 00 00 08 01 61 46 00 00 00 02 01 62 56").SetArgDisplayNames("nested entry longer than its table");
        yield return new TestCaseData("00 00 00 04 01 61 49 00").SetArgDisplayNames("int cut by table length");
        yield return new TestCaseData("00 00 00 03 01 FF 56").SetArgDisplayNames("name not UTF-8");
        yield return new TestCaseData("00 00 00 08 01 64 44 1D 00 00 00 01").SetArgDisplayNames("decimal scale 29");
        yield return new TestCaseData("00 00 00 0F 01 61 46 00 00 00 08 01 64 44 FF 00 00 00 01").SetArgDisplayNames("nested decimal scale 255");
        yield return new TestCaseData("00 00 00 0B 01 61 46 00 00 00 04 02 C3 28 56").SetArgDisplayNames("nested name not UTF-8");
    }

    [TestCaseSource(nameof(MalformedTables))]
    public void ReadTable_and_SkipTable_both_reject(string hex)
    {
        var table = Bytes.Hex(hex);
        Assert.Throws<AmqpFormatException>(() => new AmqpReader(table).ReadTable(), "ReadTable");
        Assert.Throws<AmqpFormatException>(() => new AmqpReader(table).SkipTable(), "SkipTable");
    }

    [Test]
    public void Every_single_byte_corruption_is_accepted_or_a_format_error_alike_by_read_and_skip()
    {
        var (wire, _) = FieldCases.EveryTypeTableWire();
        var replacements = new byte[] { 0x00, 0x01, 0x05, 0x1D, 0x7F, 0x80, 0xC3, 0xFF, (byte)'A', (byte)'F', (byte)'S', (byte)'V', (byte)'D', (byte)'Z' };
        var disagreements = new List<string>();
        for (var position = 0; position < wire.Length; position++)
        {
            foreach (var replacement in replacements)
            {
                var corrupt = (byte[])wire.Clone();
                corrupt[position] = replacement;
                var read = Outcome(() => new AmqpReader(corrupt).ReadTable());
                var skip = Outcome(() => new AmqpReader(corrupt).SkipTable());
                Assert.That(read, Is.Null.Or.TypeOf<AmqpFormatException>(), $"ReadTable, byte {position} = 0x{replacement:X2}");
                Assert.That(skip, Is.Null.Or.TypeOf<AmqpFormatException>(), $"SkipTable, byte {position} = 0x{replacement:X2}");
                if ((read is null) != (skip is null))
                {
                    disagreements.Add($"byte {position} = 0x{replacement:X2}: ReadTable {(read is null ? "accepts" : "rejects")}, SkipTable {(skip is null ? "accepts" : "rejects")}");
                }
            }
        }

        Assert.That(disagreements, Is.Empty, string.Join(Environment.NewLine, disagreements));
    }

    private static Exception? Outcome(Action action)
    {
        try
        {
            action();
            return null;
        }
#pragma warning disable CA1031 // The test classifies whatever the reader throws.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return exception;
        }
    }
}
