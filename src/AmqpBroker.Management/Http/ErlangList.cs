namespace AmqpBroker.Management.Http;

/// <summary>
/// An Erlang list as RabbitMQ's <c>~p</c> prints it in an error reason: on one line while it ends by column 78, else
/// one element a line, each after the first indented to the column after the <c>[</c> (io_lib_pretty as in OTP 25,
/// under RabbitMQ 3.10.8; measured with <c>erl</c> and seen in 3.10.8's answers). A lone element is never broken off.
/// </summary>
internal static class ErlangList
{
    /// <summary>The last column a term printed on one line may reach.</summary>
    private const int LineEnd = 78;

    /// <param name="elements">The elements, each already printed.</param>
    /// <param name="column">The column the list starts at: the length of the text before it on its line.</param>
    public static string Print(IReadOnlyList<string> elements, int column = 0)
    {
        var width = 2 + elements.Sum(e => e.Length) + Math.Max(0, elements.Count - 1);
        var separator = elements.Count < 2 || column + width <= LineEnd ? "," : ",\n" + new string(' ', column + 1);
        return $"[{string.Join(separator, elements)}]";
    }
}
