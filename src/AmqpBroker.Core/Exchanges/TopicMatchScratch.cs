namespace AmqpBroker.Core.Exchanges;

/// <summary>
/// What matching one routing key against a <see cref="TopicTrie"/> needs, kept between publishes so that
/// matching allocates nothing: the key's words, and the ('#' node, word position) pairs this match has
/// already tried. Not thread-safe: one per <see cref="RoutingScratch"/>, so one per publishing channel.
/// </summary>
internal sealed class TopicMatchScratch
{
    private readonly List<int> _wordEnds = [];
    private readonly HashSet<(TopicTrie Node, int Position)> _tried = [];
    private string _key = string.Empty;

    public int WordCount => _wordEnds.Count;

    /// <summary>Starts matching <paramref name="key"/>.</summary>
    public void Begin(string key)
    {
        _key = key;
        _tried.Clear();
        TopicWords.Split(key, _wordEnds);
    }

    public ReadOnlySpan<char> Word(int index) => TopicWords.Word(_key, _wordEnds, index);

    /// <summary>True the first time <paramref name="node"/> is tried at <paramref name="position"/> in this match.</summary>
    public bool FirstTry(TopicTrie node, int position) => _tried.Add((node, position));
}
