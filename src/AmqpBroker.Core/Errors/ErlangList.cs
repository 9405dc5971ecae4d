namespace AmqpBroker.Core.Errors;

/// <summary>
/// An Erlang list as RabbitMQ's <c>~p</c> prints it in an error reason: on one line while it ends by column 78, else
/// one element a line, each after the first indented to the column after the <c>[</c>. An element is broken too when it
/// does not end by column 78 on its own line (counting the <c>]</c> after the last one): a <c>{Key,Value}</c> pair then
/// puts its value on the next line, one column further in. This is io_lib_pretty as in OTP 25, under RabbitMQ 3.10.8,
/// measured with <c>erl</c> and seen in 3.10.8's answers; erlang/otp's io_lib_pretty of today makes the same tests.
/// A value is never broken further (Erlang would break a map or a list that still does not fit).
/// </summary>
public static class ErlangList
{
    /// <summary>The last column a term printed on one line may reach.</summary>
    private const int LineEnd = 78;

    /// <summary>A list whose elements are never broken themselves, and whose lone element is never broken off.</summary>
    /// <param name="elements">The elements, each already printed.</param>
    /// <param name="column">The column the list starts at: the length of the text before it on its line.</param>
    public static string Print(IReadOnlyList<string> elements, int column = 0)
    {
        var separator = elements.Count < 2 || Fits(elements, column) ? "," : ",\n" + Indent(column + 1);
        return $"[{string.Join(separator, elements)}]";
    }

    /// <summary>A list of <c>{Key,Value}</c> pairs, such as the unknown keys of a proplist with their values.</summary>
    /// <param name="pairs">Each pair's key and value, already printed.</param>
    /// <param name="column">The column the list starts at: the length of the text before it on its line.</param>
    public static string PrintPairs(IReadOnlyList<(string Key, string Value)> pairs, int column = 0)
    {
        var elements = pairs.Select(p => $"{{{p.Key},{p.Value}}}").ToList();
        if (Fits(elements, column))
        {
            return $"[{string.Join(',', elements)}]";
        }

        var inner = column + 1;
        var lines = elements.Select((element, i) => inner + element.Length + (i == elements.Count - 1 ? 1 : 0) <= LineEnd
            ? element
            : $"{{{pairs[i].Key},\n{Indent(inner + 1)}{pairs[i].Value}}}");
        return $"[{string.Join(",\n" + Indent(inner), lines)}]";
    }

    private static bool Fits(IReadOnlyList<string> elements, int column) =>
        column + 2 + elements.Sum(e => e.Length) + Math.Max(0, elements.Count - 1) <= LineEnd;

    private static string Indent(int column) => new(' ', column);
}
