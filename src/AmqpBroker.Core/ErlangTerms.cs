using System.Globalization;
using System.Text;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Core;

/// <summary>
/// Field values named and printed the way RabbitMQ's error messages show them: AMQP type names
/// (<c>signedint</c>, <c>longstr</c>, …) and values in Erlang term syntax (<c>&lt;&lt;"abc"&gt;&gt;</c>, <c>{1,25}</c>).
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

    public static string Format(object? value) => value switch
    {
        null => "undefined",
        bool b => b ? "true" : "false",
        string s => Binary(Encoding.UTF8.GetBytes(s)),
        byte[] bytes => Binary(bytes),
        ReadOnlyMemory<byte> memory => Binary(memory.Span),
        float f => Float(f),
        double d => Float(d),
        decimal d => $"{{{d.Scale},{(Int128)(d * Pow10(d.Scale))}}}",
        AmqpTimestamp t => t.UnixSeconds.ToString(CultureInfo.InvariantCulture),
        IReadOnlyList<object?> list => "[" + string.Join(",", list.Select(v => $"{{{TypeName(v)},{Format(v)}}}")) + "]",
        IReadOnlyDictionary<string, object?> table => "[" + string.Join(",", table.Select(e => $"{{{Format(e.Key)},{TypeName(e.Value)},{Format(e.Value)}}}")) + "]",
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
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }

    private static string Binary(ReadOnlySpan<byte> bytes) => bytes.Length == 0 ? "<<>>" : $"<<\"{Encoding.UTF8.GetString(bytes)}\">>";
}
