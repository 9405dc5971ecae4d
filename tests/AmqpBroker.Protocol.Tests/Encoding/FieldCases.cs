using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Protocol.Tests.Encoding;

/// <summary>One field value: the CLR value written, its hand-computed wire form (type octet included), and what reading it back yields.</summary>
internal sealed record FieldCase(string Label, object? Value, byte[] Wire, object? ReadBack)
{
    public FieldCase(string label, object? value, string hex)
        : this(label, value, Bytes.Hex(hex), value)
    {
    }

    public char TypeLetter => (char)Wire[0];

    public override string ToString() => Label;
}

/// <summary>
/// Golden field values for every type RabbitMQ's clients send, worked out by hand: big-endian integers,
/// IEEE-754 floats, decimal = scale octet + signed 32-bit mantissa, long strings = 32-bit length + bytes,
/// arrays and tables = 32-bit byte length + body.
/// </summary>
internal static class FieldCases
{
    public static readonly FieldCase[] All =
    [
        new("t true", true, "74 01"),
        new("t false", false, "74 00"),
        new("b -2", (sbyte)-2, "62 FE"),
        new("b 127", sbyte.MaxValue, "62 7F"),
        new("B 200", (byte)200, "42 C8"),
        new("s -2", (short)-2, "73 FF FE"),
        new("s min", short.MinValue, "73 80 00"),
        new("u 0x1234", (ushort)0x1234, "75 12 34"),
        new("u max", ushort.MaxValue, "75 FF FF"),
        new("I 60000", 60000, "49 00 00 EA 60"),
        new("I -2", -2, "49 FF FF FF FE"),
        new("I min", int.MinValue, "49 80 00 00 00"),
        new("i 4000000000", 4_000_000_000u, "69 EE 6B 28 00"),
        new("l -2", -2L, "6C FF FF FF FF FF FF FF FE"),
        new("l 0x0102030405060708", 0x0102030405060708L, "6C 01 02 03 04 05 06 07 08"),
        new("f 1.5", 1.5f, "66 3F C0 00 00"),
        new("f -2.25", -2.25f, "66 C0 10 00 00"),
        new("d 1.5", 1.5d, "64 3F F8 00 00 00 00 00 00"),
        new("d -0.1", -0.1d, "64 BF B9 99 99 99 99 99 9A"),
        new("D 0", 0m, "44 00 00 00 00 00"),
        new("D 1.5", 1.5m, "44 01 00 00 00 0F"),
        new("D -1.5", -1.5m, "44 01 FF FF FF F1"),
        new("D 1.50 keeps scale 2", 1.50m, "44 02 00 00 00 96"),
        new("D 123.456", 123.456m, "44 03 00 01 E2 40"),
        new("D -1234.567", -1234.567m, "44 03 FF ED 29 79"),
        new("D int max", 2147483647m, "44 00 7F FF FF FF"),
        new("D -int max", -2147483647m, "44 00 80 00 00 01"),
        new("D scale 28", new decimal(1, 0, 0, false, 28), "44 1C 00 00 00 01"),
        new("S hi", "hi", "53 00 00 00 02 68 69"),
        new("S empty", string.Empty, "53 00 00 00 00"),
        new("S multibyte UTF-8", "é€", "53 00 00 00 05 C3 A9 E2 82 AC"),
        new("S not UTF-8 as byte[]", new byte[] { 0xFF, 0xFE, 0x00 }, "53 00 00 00 03 FF FE 00"),
        new("x bytes", new ReadOnlyMemory<byte>([1, 2, 3]), "78 00 00 00 03 01 02 03"),
        new("x empty", ReadOnlyMemory<byte>.Empty, "78 00 00 00 00"),
        new("A empty", new List<object?>(), "41 00 00 00 00"),
        new("A mixed", new List<object?> { 1, "a", null }, "41 00 00 00 0C 49 00 00 00 01 53 00 00 00 01 61 56"),
        new("A nested", new List<object?> { new List<object?> { true } }, "41 00 00 00 07 41 00 00 00 02 74 01"),
        new("A of table", new List<object?> { new Dictionary<string, object?> { ["k"] = (byte)7 } }, "41 00 00 00 09 46 00 00 00 04 01 6B 42 07"),
        new("T 1700000000", new AmqpTimestamp(1_700_000_000), "54 00 00 00 00 65 53 F1 00"),
        new("T -1", new AmqpTimestamp(-1), "54 FF FF FF FF FF FF FF FF"),
        new("F empty", new Dictionary<string, object?>(), "46 00 00 00 00"),
        new("F one", new Dictionary<string, object?> { ["a"] = true }, "46 00 00 00 04 01 61 74 01"),
        new("F nested", new Dictionary<string, object?> { ["n"] = new Dictionary<string, object?> { ["b"] = (byte)1 } }, "46 00 00 00 0B 01 6E 46 00 00 00 04 01 62 42 01"),
        new("F with array", new Dictionary<string, object?> { ["a"] = new List<object?> { (short)1 } }, "46 00 00 00 0A 01 61 41 00 00 00 03 73 00 01"),
        new("V null", null, "56"),
    ];

    /// <summary>Values the writer accepts that read back as a different CLR type.</summary>
    public static readonly FieldCase[] WriteOnly =
    [
        new("ulong 5 as l", 5UL, Bytes.Hex("6C 00 00 00 00 00 00 00 05"), 5L),
        new("ulong max as l", ulong.MaxValue, Bytes.Hex("6C FF FF FF FF FF FF FF FF"), -1L),
        new("string[] as A", new[] { "a" }, Bytes.Hex("41 00 00 00 06 53 00 00 00 01 61"), new List<object?> { "a" }),
        new("FieldTable.Empty as F", FieldTable.Empty, Bytes.Hex("46 00 00 00 00"), new Dictionary<string, object?>()),
    ];

    /// <summary>Every golden case under a unique name, grouped by type letter: the fields of a table holding every type.</summary>
    public static IReadOnlyList<(string Name, FieldCase Case)> EveryTypeFields()
    {
        var fields = new List<(string, FieldCase)>();
        foreach (var letter in "tbBsuIilfdDSxATFV")
        {
            foreach (var fieldCase in All.Where(c => c.TypeLetter == letter))
            {
                fields.Add(($"{letter}{fields.Count}", fieldCase));
            }
        }

        return fields;
    }

    /// <summary>A table holding every field type (and nesting), in a fixed order.</summary>
    public static Dictionary<string, object?> EveryTypeTable() =>
        EveryTypeFields().ToDictionary(f => f.Name, f => f.Case.Value, StringComparer.Ordinal);

    /// <summary>The wire form of <see cref="EveryTypeTable"/>, assembled from the golden values, plus each field's end offset.</summary>
    public static (byte[] Wire, int[] FieldEnds) EveryTypeTableWire()
    {
        var body = new List<byte>();
        var ends = new List<int>();
        foreach (var (name, fieldCase) in EveryTypeFields())
        {
            body.Add(checked((byte)name.Length));
            body.AddRange(System.Text.Encoding.ASCII.GetBytes(name));
            body.AddRange(fieldCase.Wire);
            ends.Add(4 + body.Count);
        }

        var wire = new byte[4 + body.Count];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(wire, (uint)body.Count);
        body.CopyTo(wire, 4);
        return (wire, [.. ends]);
    }
}
