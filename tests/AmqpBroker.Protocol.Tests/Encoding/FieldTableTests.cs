using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Protocol.Tests.Encoding;

[TestFixture]
public sealed class FieldTableTests
{
    [Test]
    public void Table_with_every_type_writes_the_golden_bytes()
    {
        var (wire, _) = FieldCases.EveryTypeTableWire();
        var table = FieldCases.EveryTypeTable();

        Assert.That(Bytes.ToHex(FieldCodec.EncodeTable(table)), Is.EqualTo(Bytes.ToHex(wire)));
        Assert.That(AmqpSize.Table(table), Is.EqualTo(wire.Length));
    }

    [Test]
    public void Table_with_every_type_reads_back_to_the_documented_types()
    {
        var (wire, _) = FieldCases.EveryTypeTableWire();
        var expected = FieldCases.EveryTypeFields().ToDictionary(f => f.Name, f => f.Case.ReadBack, StringComparer.Ordinal);

        var table = FieldCodec.DecodeTable(wire);

        FieldCodec.AssertEquivalent(expected, table, "table");
        Assert.That(FieldCodec.EncodeTable(table), Is.EqualTo(wire), "re-encoding what was read");
    }

    [Test]
    public void SkipTable_consumes_the_table_with_every_type()
    {
        var (wire, _) = FieldCases.EveryTypeTableWire();
        Assert.That(FieldCodec.SkipTable(Bytes.Concat(wire, [0xCE])), Is.EqualTo(wire.Length));
    }

    [Test]
    public void Empty_and_null_tables_are_four_zero_bytes()
    {
        Assert.That(FieldCodec.EncodeTable(new Dictionary<string, object?>()), Is.EqualTo(Bytes.Hex("00 00 00 00")));
        Assert.That(FieldCodec.EncodeTable(FieldTable.Empty), Is.EqualTo(Bytes.Hex("00 00 00 00")));
        Assert.That(FieldCodec.EncodeTable(null), Is.EqualTo(Bytes.Hex("00 00 00 00")));
        Assert.That(AmqpSize.Table(null), Is.EqualTo(4));

        var read = FieldCodec.DecodeTable(Bytes.Hex("00 00 00 00"));
        Assert.That(read, Is.Empty);
        Assert.That(FieldCodec.SkipTable(Bytes.Hex("00 00 00 00")), Is.EqualTo(4));
    }

    [Test]
    public void Nested_tables_and_arrays_three_levels_deep()
    {
        var table = new Dictionary<string, object?>
        {
            ["outer"] = new Dictionary<string, object?>
            {
                ["list"] = new List<object?> { new Dictionary<string, object?> { ["x"] = (sbyte)-1 }, new List<object?>() },
            },
        };
        // x: 01 78 62 FF                                       (4)
        // {x}: 46 00000004 + 4                                 (9)
        // []: 41 00000000                                      (5)
        // list: 41 0000000E + 9 + 5                            (19)
        // {list}: 46 00000018 + 04 "list" + 19 = 24            (29)
        // top: 00000023 + 05 "outer" + 29 = 35
        var expected = Bytes.Of(
            0, 0, 0, 35, 5, "outer",
            (int)'F', 0, 0, 0, 24, 4, "list",
            (int)'A', 0, 0, 0, 14,
            (int)'F', 0, 0, 0, 4, 1, "x", (int)'b', 0xFF,
            (int)'A', 0, 0, 0, 0);

        Assert.That(Bytes.ToHex(FieldCodec.EncodeTable(table)), Is.EqualTo(Bytes.ToHex(expected)));
        FieldCodec.AssertEquivalent(table, FieldCodec.DecodeTable(expected), "table");
        Assert.That(FieldCodec.SkipTable(expected), Is.EqualTo(expected.Length));
    }

    [Test]
    public void Field_names_are_UTF8_short_strings()
    {
        var table = new Dictionary<string, object?> { ["ключ"] = 1 };
        var expected = Bytes.Of(0, 0, 0, 14, 8, "ключ", (int)'I', 0, 0, 0, 1);

        Assert.That(FieldCodec.EncodeTable(table), Is.EqualTo(expected));
        FieldCodec.AssertEquivalent(table, FieldCodec.DecodeTable(expected), "table");
    }

    [Test]
    public void Repeated_name_keeps_the_last_value()
    {
        var wire = Bytes.Of(0, 0, 0, 14, 1, "a", (int)'I', 0, 0, 0, 1, 1, "a", (int)'I', 0, 0, 0, 2);
        var table = FieldCodec.DecodeTable(wire);
        Assert.That(table, Has.Count.EqualTo(1));
        Assert.That(table["a"], Is.EqualTo(2));
    }

    [Test]
    public void Read_table_uses_ordinal_names()
    {
        var wire = Bytes.Of(0, 0, 0, 8, 1, "a", (int)'t', 1, 1, "A", (int)'t', 0);
        var table = FieldCodec.DecodeTable(wire);
        Assert.That(table, Has.Count.EqualTo(2));
        Assert.That((table["a"], table["A"]), Is.EqualTo((true, false)));
    }

    [Test]
    public void RabbitMQ_client_properties_table()
    {
        // The shape of connection.start-ok's client-properties: strings, a nested capabilities table of booleans.
        var table = new Dictionary<string, object?>
        {
            ["product"] = "RabbitMQ",
            ["capabilities"] = new Dictionary<string, object?> { ["publisher_confirms"] = true },
        };
        var expected = Bytes.Of(
            0, 0, 0, 0x3C,
            7, "product", (int)'S', 0, 0, 0, 8, "RabbitMQ",
            12, "capabilities", (int)'F', 0, 0, 0, 21, 18, "publisher_confirms", (int)'t', 1);

        Assert.That(Bytes.ToHex(FieldCodec.EncodeTable(table)), Is.EqualTo(Bytes.ToHex(expected)));
        FieldCodec.AssertEquivalent(table, FieldCodec.DecodeTable(expected), "table");
    }
}
