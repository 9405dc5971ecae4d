using System.Collections;
using System.Globalization;

namespace AmqpBroker.Core.Policies;

/// <summary>
/// Policy definition values read and printed the way RabbitMQ's validation messages show the JSON terms
/// it decoded: <c>&lt;&lt;"text"&gt;&gt;</c>, <c>42</c>, <c>1.5</c>, <c>true</c>, <c>null</c>, <c>[1,2]</c>, <c>#{&lt;&lt;"k"&gt;&gt; =&gt; 1}</c>.
/// </summary>
internal static class PolicyTerms
{
    public static string Format(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        string s => s.Length == 0 ? "<<>>" : $"<<\"{s}\">>",
        float f => Float(f),
        double d => Float(d),
        IReadOnlyDictionary<string, object?> map =>
            "#{" + string.Join(",", map.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{Format(e.Key)} => {Format(e.Value)}")) + "}",
        IEnumerable list => "[" + string.Join(",", list.Cast<object?>().Select(Format)) + "]",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>An integral value of any CLR integer type; floats are not integers, even 1000.0.</summary>
    public static bool TryInteger(object? value, out long integer)
    {
        switch (value)
        {
            case sbyte or byte or short or ushort or int or uint or long:
                integer = Convert.ToInt64(value, CultureInfo.InvariantCulture);
                return true;
            case ulong u when u <= long.MaxValue:
                integer = (long)u;
                return true;
            default:
                integer = 0;
                return false;
        }
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
}
