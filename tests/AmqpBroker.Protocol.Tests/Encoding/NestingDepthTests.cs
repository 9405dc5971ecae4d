using System.Buffers.Binary;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Protocol.Tests.EncodingTests;

/// <summary>
/// Tables and arrays nest at most <see cref="FieldTable.MaxDepth"/> levels. Far deeper input (a few hundred
/// kilobytes can nest twenty thousand levels) is refused with a format error instead of recursing until
/// the stack overflows, which would end the whole process.
/// </summary>
[TestFixture]
public sealed class NestingDepthTests
{
    private const int FarPastTheLimit = 50_000;

    [TestCase('F', FieldTable.MaxDepth)]
    [TestCase('A', FieldTable.MaxDepth)]
    public void Nesting_up_to_the_limit_is_read_and_skipped(char kind, int depth)
    {
        var wire = NestedWire(kind, depth);

        Assert.That(DepthOf(new AmqpReader(wire).ReadTable()), Is.EqualTo(depth));
        Assert.DoesNotThrow(() => new AmqpReader(wire).SkipTable());
    }

    [TestCase('F', FieldTable.MaxDepth + 1)]
    [TestCase('A', FieldTable.MaxDepth + 1)]
    [TestCase('F', FarPastTheLimit)]
    [TestCase('A', FarPastTheLimit)]
    public void Nesting_past_the_limit_is_a_format_error_when_read_or_skipped(char kind, int depth)
    {
        var wire = NestedWire(kind, depth);

        var read = Assert.Throws<AmqpFormatException>(() => new AmqpReader(wire).ReadTable());
        Assert.That(read!.Message, Does.Contain("nested deeper than 100 levels"));
        Assert.Throws<AmqpFormatException>(() => new AmqpReader(wire).SkipTable());
    }

    [Test]
    public void A_field_value_nesting_past_the_limit_is_a_format_error()
    {
        var table = NestedWire('A', FarPastTheLimit);
        var value = new byte[table.Length + 1];
        value[0] = (byte)'F';
        table.CopyTo(value, 1);

        Assert.Throws<AmqpFormatException>(() => new AmqpReader(value).ReadFieldValue());
        Assert.Throws<AmqpFormatException>(() => new AmqpReader(value).SkipFieldValue());
    }

    [TestCase('F')]
    [TestCase('A')]
    public void Writing_and_sizing_a_table_built_in_memory_past_the_limit_is_refused(char kind)
    {
        var table = NestedTable(kind, FarPastTheLimit);

        Assert.Throws<AmqpFormatException>(() => AmqpSize.Table(table));
        Assert.Throws<AmqpFormatException>(() => new AmqpWriter(new byte[1 << 20]).WriteTable(table));
    }

    [Test]
    public void A_table_at_the_limit_round_trips_through_the_writer()
    {
        var table = NestedTable('F', FieldTable.MaxDepth);
        var buffer = new byte[AmqpSize.Table(table)];
        new AmqpWriter(buffer).WriteTable(table);

        Assert.That(DepthOf(new AmqpReader(buffer).ReadTable()), Is.EqualTo(FieldTable.MaxDepth));
    }

    /// <summary>
    /// The wire bytes of a table nesting <paramref name="depth"/> levels in all: tables under the key "a"
    /// (<c>F</c>) or one-element arrays (<c>A</c>) inside a top-level table, built from the inside out.
    /// </summary>
    internal static byte[] NestedWire(char kind, int depth)
    {
        var inner = new byte[4]; // the innermost: an empty table or array
        for (var level = depth - 1; level > 1; level--)
        {
            var prefix = kind == 'F' ? "\u0001aF"u8 : "A"u8;
            // A table level holds its one field by name; an array level holds the value bare.
            var wrapped = new byte[4 + prefix.Length + inner.Length];
            BinaryPrimitives.WriteUInt32BigEndian(wrapped, (uint)(prefix.Length + inner.Length));
            prefix.CopyTo(wrapped.AsSpan(4));
            inner.CopyTo(wrapped.AsSpan(4 + prefix.Length));
            inner = wrapped;
        }

        // The outermost is always a table (what a reader reads): one field "x" holding the nest.
        var top = new byte[4 + 3 + inner.Length];
        BinaryPrimitives.WriteUInt32BigEndian(top, (uint)(3 + inner.Length));
        top[4] = 1;
        top[5] = (byte)'x';
        top[6] = (byte)kind;
        inner.CopyTo(top.AsSpan(7));
        return top;
    }

    /// <summary>The same nest as <see cref="NestedWire"/>, as objects.</summary>
    internal static IReadOnlyDictionary<string, object?> NestedTable(char kind, int depth)
    {
        object inner = kind == 'F' ? new Dictionary<string, object?>() : new List<object?>();
        for (var level = depth - 1; level > 1; level--)
        {
            inner = kind == 'F' ? new Dictionary<string, object?> { ["a"] = inner } : new List<object?> { inner };
        }

        return new Dictionary<string, object?> { ["x"] = inner };
    }

    private static int DepthOf(object? value)
    {
        var depth = 0;
        while (true)
        {
            switch (value)
            {
                case IReadOnlyDictionary<string, object?> table:
                    depth++;
                    value = table.Values.FirstOrDefault();
                    break;
                case IReadOnlyList<object?> list:
                    depth++;
                    value = list.Count > 0 ? list[0] : null;
                    break;
                default:
                    return depth;
            }
        }
    }
}
