namespace AmqpBroker.Core.Exchanges;

/// <summary>
/// Splits a topic routing key into words without allocating, as RabbitMQ splits it: on '.', where "" has no
/// words and "a..b" has three ("a", "", "b"). The words are kept as where each ends in the key.
/// </summary>
internal static class TopicWords
{
    /// <summary>Fills <paramref name="wordEnds"/> with the index just past each word of <paramref name="key"/>.</summary>
    public static void Split(ReadOnlySpan<char> key, List<int> wordEnds)
    {
        wordEnds.Clear();
        if (key.IsEmpty)
        {
            return;
        }

        var start = 0;
        int dot;
        while ((dot = key[start..].IndexOf('.')) >= 0)
        {
            wordEnds.Add(start + dot);
            start += dot + 1;
        }

        wordEnds.Add(key.Length);
    }

    /// <summary>Word <paramref name="index"/> of <paramref name="key"/>, given the ends <see cref="Split"/> found.</summary>
    public static ReadOnlySpan<char> Word(ReadOnlySpan<char> key, List<int> wordEnds, int index)
    {
        var start = index == 0 ? 0 : wordEnds[index - 1] + 1;
        return key[start..wordEnds[index]];
    }
}
