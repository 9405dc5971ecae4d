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
}
