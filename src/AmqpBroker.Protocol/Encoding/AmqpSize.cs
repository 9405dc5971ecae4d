namespace AmqpBroker.Protocol.Encoding;

/// <summary>Encoded sizes of AMQP values, used to size a frame before <see cref="AmqpWriter"/> fills it.</summary>
public static class AmqpSize
{
    public static int ShortString(string value) => 1 + System.Text.Encoding.UTF8.GetByteCount(value);

    public static int LongString(string value) => 4 + System.Text.Encoding.UTF8.GetByteCount(value);

    public static int LongString(ReadOnlySpan<byte> value) => 4 + value.Length;

    public static int Table(IReadOnlyDictionary<string, object?>? table) => Table(table, 1);

    /// <summary>The size of a field value including its one-byte type tag.</summary>
    public static int FieldValue(object? value) => FieldValue(value, 0);

    private static int Table(IReadOnlyDictionary<string, object?>? table, int depth)
    {
        FieldTable.CheckDepth(depth);
        var size = 4;
        if (table is null)
        {
            return size;
        }

        foreach (var (name, value) in table)
        {
            size += ShortString(name) + FieldValue(value, depth);
        }

        return size;
    }

    private static int FieldValue(object? value, int depth) => 1 + value switch
    {
        null => 0,
        bool or sbyte or byte => 1,
        short or ushort => 2,
        int or uint or float => 4,
        long or ulong or double or AmqpTimestamp => 8,
        decimal => 5,
        string s => LongString(s),
        byte[] bytes => LongString(bytes),
        ReadOnlyMemory<byte> binary => LongString(binary.Span),
        IReadOnlyDictionary<string, object?> table => Table(table, depth + 1),
        IReadOnlyList<object?> list => ArrayBody(list, depth + 1),
        _ => throw new ArgumentException($"no AMQP field type for {value.GetType()}", nameof(value)),
    };

    private static int ArrayBody(IReadOnlyList<object?> list, int depth)
    {
        FieldTable.CheckDepth(depth);
        var size = 4;
        foreach (var item in list)
        {
            size += FieldValue(item, depth);
        }

        return size;
    }
}
