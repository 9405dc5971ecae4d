using AmqpBroker.Core.Arguments;
using AmqpBroker.Core.Errors;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Core.Exchanges;

/// <summary>
/// A headers-exchange binding's match rule, parsed once at bind time. RabbitMQ's semantics: <c>x-match</c>
/// is <c>all</c> (default), <c>any</c>, <c>all-with-x</c> or <c>any-with-x</c>; binding keys starting with
/// <c>x-</c> are ignored unless the mode is a <c>-with-x</c> one; a binding key without a value (void)
/// matches on presence; values compare as Erlang's <c>==</c> does, so 1 and 1.0 are equal.
/// </summary>
internal sealed class HeadersMatch
{
    private readonly KeyValuePair<string, object?>[] _pattern;
    private readonly bool _all;

    private HeadersMatch(KeyValuePair<string, object?>[] pattern, bool all)
    {
        _pattern = pattern;
        _all = all;
    }

    public static HeadersMatch Parse(IReadOnlyDictionary<string, object?> arguments)
    {
        var (all, withX) = arguments.GetValueOrDefault("x-match") switch
        {
            null when !arguments.ContainsKey("x-match") => (true, false),
            "all" => (true, false),
            "any" => (false, false),
            "all-with-x" => (true, true),
            "any-with-x" => (false, true),
            string other => throw AmqpException.PreconditionFailed($"Invalid x-match field value {ErlangTerms.Format(other)}; expected all, any, all-with-x, or any-with-x"),
            var other => throw AmqpException.PreconditionFailed($"Invalid x-match field type {ErlangTerms.TypeName(other)} (value {ErlangTerms.Format(other)}); expected longstr"),
        };

        var pattern = arguments
            .Where(a => a.Key != "x-match" && (withX || !a.Key.StartsWith("x-", StringComparison.Ordinal)))
            .ToArray();
        return new HeadersMatch(pattern, all);
    }

    public bool Matches(IReadOnlyDictionary<string, object?> headers)
    {
        foreach (var (key, expected) in _pattern)
        {
            var matched = headers.TryGetValue(key, out var actual) && (expected is null || ValuesEqual(expected, actual));
            if (matched != _all)
            {
                // "any" succeeds at the first match, "all" fails at the first miss.
                return matched;
            }
        }

        // Every key matched ("all"), or none did ("any").
        return _all;
    }

    private static bool ValuesEqual(object expected, object? actual)
    {
        if (TryInteger(expected, out var i) && TryInteger(actual, out var j))
        {
            return i == j;
        }

        if (TryInteger(expected, out i) && TryReal(actual, out var real))
        {
            return IntegerEqualsReal(i, real);
        }

        if (TryReal(expected, out real) && TryInteger(actual, out j))
        {
            return IntegerEqualsReal(j, real);
        }

        if (TryReal(expected, out var x) && TryReal(actual, out var y))
        {
            return x == y;
        }

        if (TryBytes(expected, out var a) && TryBytes(actual, out var b))
        {
            return a.SequenceEqual(b);
        }

        return FieldTableComparer.ValuesEqual(expected, actual);
    }

    private static bool TryInteger(object? value, out Int128 number)
    {
        number = value switch
        {
            sbyte v => v, byte v => v, short v => v, ushort v => v, int v => v, uint v => v, long v => v, ulong v => v,
            AmqpTimestamp t => t.UnixSeconds,
            _ => Int128.MinValue,
        };
        return number != Int128.MinValue;
    }

    private static bool TryReal(object? value, out double number)
    {
        number = value switch
        {
            float f => f,
            double d => d,
            _ => double.NaN,
        };
        return !double.IsNaN(number);
    }

    /// <summary>Erlang compares an integer with a float exactly: 2^53 + 1 is not the double 2^53.</summary>
    private static bool IntegerEqualsReal(Int128 integer, double real) =>
        double.IsFinite(real) && Math.Floor(real) == real && Math.Abs(real) < 1.7e38 && (Int128)real == integer;

    private static bool TryBytes(object? value, out ReadOnlySpan<byte> bytes)
    {
        switch (value)
        {
            case string s:
                bytes = System.Text.Encoding.UTF8.GetBytes(s);
                return true;
            case byte[] array:
                bytes = array;
                return true;
            case ReadOnlyMemory<byte> memory:
                bytes = memory.Span;
                return true;
            default:
                bytes = default;
                return false;
        }
    }
}
