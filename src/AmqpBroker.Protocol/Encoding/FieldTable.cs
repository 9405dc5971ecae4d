using System.Collections.Frozen;

namespace AmqpBroker.Protocol.Encoding;

/// <summary>
/// Field tables are plain read-only dictionaries of name to value. Values use these CLR types:
/// bool (t), sbyte (b), byte (B), short (s), ushort (u), int (I), uint (i), long (l), float (f),
/// double (d), decimal (D), string or byte[] (S), ReadOnlyMemory&lt;byte&gt; (x), IReadOnlyList&lt;object?&gt; (A),
/// <see cref="AmqpTimestamp"/> (T), IReadOnlyDictionary&lt;string, object?&gt; (F) and null (V).
/// </summary>
public static class FieldTable
{
    public static readonly IReadOnlyDictionary<string, object?> Empty = FrozenDictionary<string, object?>.Empty;

    /// <summary>
    /// How deeply tables and arrays may nest. RabbitMQ's clients never nest more than a few levels; every
    /// reader of the wire refuses more, and every walker of a table refuses more rather than recursing
    /// until the stack overflows (a crash no handler can catch).
    /// </summary>
    public const int MaxDepth = 100;

    /// <summary>Throws when a walker of nested tables has gone past <see cref="MaxDepth"/>.</summary>
    public static void CheckDepth(int depth)
    {
        if (depth > MaxDepth)
        {
            throw new AmqpFormatException($"field tables and arrays nested deeper than {MaxDepth} levels");
        }
    }
}
