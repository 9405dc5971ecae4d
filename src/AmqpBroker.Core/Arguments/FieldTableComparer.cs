using System.Diagnostics.CodeAnalysis;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Core.Arguments;

/// <summary>
/// Deep equality of field tables and values, as RabbitMQ compares declare arguments and binding
/// arguments: same names, same types, same values.
/// </summary>
public sealed class FieldTableComparer : IEqualityComparer<IReadOnlyDictionary<string, object?>>
{
    public static readonly FieldTableComparer Instance = new();

    public bool Equals(IReadOnlyDictionary<string, object?>? x, IReadOnlyDictionary<string, object?>? y) => TablesEqual(x, y, 1);

    public int GetHashCode([DisallowNull] IReadOnlyDictionary<string, object?> obj) => obj.Count;

    public static bool ValuesEqual(object? x, object? y) => ValuesEqual(x, y, 0);

    /// <summary>Nesting is bounded (<see cref="FieldTable.MaxDepth"/>): a table built deeper is refused, not recursed into.</summary>
    private static bool TablesEqual(IReadOnlyDictionary<string, object?>? x, IReadOnlyDictionary<string, object?>? y, int depth)
    {
        FieldTable.CheckDepth(depth);
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        if (x is null || y is null || x.Count != y.Count)
        {
            return (x?.Count ?? 0) == 0 && (y?.Count ?? 0) == 0;
        }

        foreach (var (name, value) in x)
        {
            if (!y.TryGetValue(name, out var other) || !ValuesEqual(value, other, depth))
            {
                return false;
            }
        }

        return true;
    }

    private static bool ValuesEqual(object? x, object? y, int depth) => (x, y) switch
    {
        (null, null) => true,
        (byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b),
        (ReadOnlyMemory<byte> a, ReadOnlyMemory<byte> b) => a.Span.SequenceEqual(b.Span),
        (IReadOnlyDictionary<string, object?> a, IReadOnlyDictionary<string, object?> b) => TablesEqual(a, b, depth + 1),
        (string, _) or (_, string) => Equals(x, y),
        (decimal a, decimal b) => a == b && a.Scale == b.Scale, // RabbitMQ compares {scale, value}
        (IReadOnlyList<object?> a, IReadOnlyList<object?> b) => ListsEqual(a, b, depth + 1),
        _ => Equals(x, y),
    };

    private static bool ListsEqual(IReadOnlyList<object?> a, IReadOnlyList<object?> b, int depth)
    {
        FieldTable.CheckDepth(depth);
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (!ValuesEqual(a[i], b[i], depth))
            {
                return false;
            }
        }

        return true;
    }
}
