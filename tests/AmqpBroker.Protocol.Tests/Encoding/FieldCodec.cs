using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Protocol.Tests.Encoding;

/// <summary>Encodes and decodes single field values and tables, checking that sizing and consumption are exact.</summary>
internal static class FieldCodec
{
    private const int Slack = 16;

    public static byte[] EncodeValue(object? value)
    {
        var size = AmqpSize.FieldValue(value);
        // Slack so that a size that is too small shows as a mismatch rather than an exception inside the writer.
        var buffer = new byte[size + Slack];
        var writer = new AmqpWriter(buffer);
        writer.WriteFieldValue(value);
        Assert.That(writer.Position, Is.EqualTo(size), "AmqpSize.FieldValue disagrees with the bytes WriteFieldValue wrote");
        return buffer[..writer.Position];
    }

    public static byte[] EncodeTable(IReadOnlyDictionary<string, object?>? table)
    {
        var size = AmqpSize.Table(table);
        var buffer = new byte[size + Slack];
        var writer = new AmqpWriter(buffer);
        writer.WriteTable(table);
        Assert.That(writer.Position, Is.EqualTo(size), "AmqpSize.Table disagrees with the bytes WriteTable wrote");
        return buffer[..writer.Position];
    }

    public static object? DecodeValue(byte[] bytes)
    {
        var reader = new AmqpReader(bytes);
        var value = reader.ReadFieldValue();
        Assert.That(reader.Position, Is.EqualTo(bytes.Length), "ReadFieldValue did not consume exactly the value");
        return value;
    }

    public static IReadOnlyDictionary<string, object?> DecodeTable(byte[] bytes)
    {
        var reader = new AmqpReader(bytes);
        var table = reader.ReadTable();
        Assert.That(reader.Position, Is.EqualTo(bytes.Length), "ReadTable did not consume exactly the table");
        return table;
    }

    public static int SkipValue(byte[] bytes)
    {
        var reader = new AmqpReader(bytes);
        reader.SkipFieldValue();
        return reader.Position;
    }

    public static int SkipTable(byte[] bytes)
    {
        var reader = new AmqpReader(bytes);
        reader.SkipTable();
        return reader.Position;
    }

    /// <summary>
    /// Asserts that <paramref name="actual"/> is what the reader documents for <paramref name="expected"/>:
    /// the same CLR type (interfaces for tables and arrays) and the same value, bit for bit for floats.
    /// </summary>
    public static void AssertEquivalent(object? expected, object? actual, string path = "value")
    {
        switch (expected)
        {
            case null:
                Assert.That(actual, Is.Null, path);
                break;
            case ReadOnlyMemory<byte> binary:
                Assert.That(actual, Is.TypeOf<ReadOnlyMemory<byte>>(), path);
                Assert.That(((ReadOnlyMemory<byte>)actual!).ToArray(), Is.EqualTo(binary.ToArray()), path);
                break;
            case byte[] bytes:
                Assert.That(actual, Is.TypeOf<byte[]>(), path);
                Assert.That((byte[])actual!, Is.EqualTo(bytes), path);
                break;
            case string text:
                Assert.That(actual, Is.TypeOf<string>(), path);
                Assert.That((string)actual!, Is.EqualTo(text), path);
                break;
            case IReadOnlyDictionary<string, object?> table:
                Assert.That(actual, Is.InstanceOf<IReadOnlyDictionary<string, object?>>(), path);
                var actualTable = (IReadOnlyDictionary<string, object?>)actual!;
                Assert.That(actualTable.Keys, Is.EquivalentTo(table.Keys), path);
                foreach (var (name, value) in table)
                {
                    AssertEquivalent(value, actualTable[name], $"{path}[\"{name}\"]");
                }

                break;
            case IReadOnlyList<object?> list:
                Assert.That(actual, Is.InstanceOf<IReadOnlyList<object?>>(), path);
                var actualList = (IReadOnlyList<object?>)actual!;
                Assert.That(actualList, Has.Count.EqualTo(list.Count), path);
                for (var i = 0; i < list.Count; i++)
                {
                    AssertEquivalent(list[i], actualList[i], $"{path}[{i}]");
                }

                break;
            case float single:
                Assert.That(actual, Is.TypeOf<float>(), path);
                Assert.That(BitConverter.SingleToInt32Bits((float)actual!), Is.EqualTo(BitConverter.SingleToInt32Bits(single)), path);
                break;
            case double dbl:
                Assert.That(actual, Is.TypeOf<double>(), path);
                Assert.That(BitConverter.DoubleToInt64Bits((double)actual!), Is.EqualTo(BitConverter.DoubleToInt64Bits(dbl)), path);
                break;
            case decimal number:
                Assert.That(actual, Is.TypeOf<decimal>(), path);
                Assert.That((decimal)actual!, Is.EqualTo(number), path);
                Assert.That(((decimal)actual!).Scale, Is.EqualTo(number.Scale), $"{path} scale");
                break;
            default:
                Assert.That(actual, Is.TypeOf(expected.GetType()), path);
                Assert.That(actual, Is.EqualTo(expected), path);
                break;
        }
    }
}
