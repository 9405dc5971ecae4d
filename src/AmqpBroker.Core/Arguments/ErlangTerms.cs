using System.Collections;
using System.Globalization;
using System.Text;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Core.Arguments;

/// <summary>
/// Values named and printed the way RabbitMQ's error messages show them, in Erlang term syntax. AMQP field
/// values (<see cref="Format(object?)"/>) print with their AMQP type names (<c>signedint</c>, <c>longstr</c>, …), tables
/// as lists of <c>{name,type,value}</c>; JSON terms from the HTTP API (<see cref="FormatJson(object?)"/>) print as
/// RabbitMQ decoded them: <c>null</c>, lists of values and maps <c>#{&lt;&lt;"k"&gt;&gt; =&gt; 1}</c>.
/// Scalars print alike in both: <c>&lt;&lt;"abc"&gt;&gt;</c>, <c>42</c>, <c>1.5</c>, <c>1.0e21</c>, <c>true</c>.
/// </summary>
internal static class ErlangTerms
{
    public static string TypeName(object? value) => value switch
    {
        null => "void",
        string or byte[] => "longstr",
        bool => "bool",
        sbyte => "byte",
        byte => "unsignedbyte",
        short => "short",
        ushort => "unsignedshort",
        int => "signedint",
        uint => "unsignedint",
        long => "long",
        float => "float",
        double => "double",
        decimal => "decimal",
        ReadOnlyMemory<byte> => "binary",
        AmqpTimestamp => "timestamp",
        IReadOnlyList<object?> => "array",
        _ => "table",
    };

    /// <summary>An AMQP field value.</summary>
    public static string Format(object? value) => Format(value, 0);

    /// <summary>A JSON value as the HTTP API decoded it (policy definitions).</summary>
    public static string FormatJson(object? value) => FormatJson(value, 0);

    /// <summary>Nesting is bounded (<see cref="FieldTable.MaxDepth"/>): a value built deeper is refused, not recursed into.</summary>
    private static string Format(object? value, int depth) => value switch
    {
        null => "undefined",
        byte[] bytes => Binary(bytes),
        ReadOnlyMemory<byte> memory => Binary(memory.Span),
        decimal d => $"{{{d.Scale},{(Int128)(d * Pow10(d.Scale))}}}",
        AmqpTimestamp t => t.UnixSeconds.ToString(CultureInfo.InvariantCulture),
        IReadOnlyList<object?> list => Nested(depth, () => string.Join(",", list.Select(v => $"{{{TypeName(v)},{Format(v, depth + 1)}}}"))),
        IReadOnlyDictionary<string, object?> table => Nested(depth, () => string.Join(",", table.Select(e => $"{{{Scalar(e.Key)},{TypeName(e.Value)},{Format(e.Value, depth + 1)}}}"))),
        _ => Scalar(value),
    };

    private static string FormatJson(object? value, int depth) => value switch
    {
        null => "null",
        IReadOnlyDictionary<string, object?> map => "#" + Nested(depth, () =>
            string.Join(",", map.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{Scalar(e.Key)} => {FormatJson(e.Value, depth + 1)}")), "{", "}"),
        string => Scalar(value),
        IEnumerable list => Nested(depth, () => string.Join(",", list.Cast<object?>().Select(v => FormatJson(v, depth + 1)))),
        _ => Scalar(value),
    };

    private static string Nested(int depth, Func<string> items, string open = "[", string close = "]")
    {
        FieldTable.CheckDepth(depth + 1);
        return open + items() + close;
    }

    private static string Scalar(object value) => value switch
    {
        bool b => b ? "true" : "false",
        string s => Binary(Encoding.UTF8.GetBytes(s)),
        float f => Float(f),
        double d => Float(d),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static decimal Pow10(int scale)
    {
        var result = 1m;
        for (var i = 0; i < scale; i++)
        {
            result *= 10;
        }

        return result;
    }

    private static string Float(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var exponent = text.IndexOf('E', StringComparison.Ordinal);
        if (exponent >= 0)
        {
            // Erlang writes 1.0e21 where .NET writes 1E+21.
            var mantissa = text[..exponent];
            return (mantissa.Contains('.', StringComparison.Ordinal) ? mantissa : mantissa + ".0") + "e" + text[(exponent + 1)..].TrimStart('+');
        }

        return text.Contains('.', StringComparison.Ordinal) ? text : text + ".0";
    }

    private static string Binary(ReadOnlySpan<byte> bytes) => bytes.Length == 0 ? "<<>>" : $"<<\"{Encoding.UTF8.GetString(bytes)}\">>";
}
