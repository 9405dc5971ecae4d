using System.Collections.Frozen;

namespace AmqpBroker.Core.Exchanges;

/// <summary>
/// An immutable trie of topic binding keys. A binding adds or removes by copying only the nodes on its
/// path, so routing reads a consistent snapshot without locks and a change costs O(key length).
/// Words are split on '.' as RabbitMQ splits them (<see cref="TopicWords"/>); '*' matches exactly one word
/// and '#' zero or more. Matching reads the routing key's words as spans and looks them up without
/// allocating; as in RabbitMQ's trie_match, each '#' node is tried at most once per word position, so a
/// pattern such as <c>#.#.#.#</c> costs (nodes × words), not a power of the key's length.
/// </summary>
internal sealed class TopicTrie
{
    private static readonly FrozenDictionary<string, TopicTrie> NoWords = new Dictionary<string, TopicTrie>().ToFrozenDictionary(StringComparer.Ordinal);

    public static readonly TopicTrie Empty = new(NoWords, null, null, []);

    private readonly FrozenDictionary<string, TopicTrie> _words;
    private readonly FrozenDictionary<string, TopicTrie>.AlternateLookup<ReadOnlySpan<char>> _wordsBySpan;
    private readonly TopicTrie? _star;
    private readonly TopicTrie? _hash;

    /// <summary>One entry per binding ending here, so removing one of two equal bindings keeps the other.</summary>
    private readonly IBindingDestination[] _destinations;

    private TopicTrie(FrozenDictionary<string, TopicTrie> words, TopicTrie? star, TopicTrie? hash, IBindingDestination[] destinations)
    {
        _words = words;
        _wordsBySpan = words.GetAlternateLookup<ReadOnlySpan<char>>();
        _star = star;
        _hash = hash;
        _destinations = destinations;
    }

    private bool IsEmpty => _destinations.Length == 0 && _star is null && _hash is null && _words.Count == 0;

    private static string[] Split(string key) => key.Length == 0 ? [] : key.Split('.');

    public TopicTrie Add(string bindingKey, IBindingDestination destination) => With(Split(bindingKey), 0, destination, add: true) ?? Empty;

    public TopicTrie Remove(string bindingKey, IBindingDestination destination) => With(Split(bindingKey), 0, destination, add: false) ?? Empty;

    /// <summary>Adds every destination whose binding key matches <paramref name="routingKey"/> (a destination may come more than once).</summary>
    public void Match(string routingKey, TopicMatchScratch scratch, List<IBindingDestination> destinations)
    {
        scratch.Begin(routingKey);
        Match(scratch, 0, destinations);
    }

    /// <summary>Matches the key's words from <paramref name="position"/> on against this node and below.</summary>
    private void Match(TopicMatchScratch scratch, int position, List<IBindingDestination> destinations)
    {
        _hash?.MatchAfterHash(scratch, position, destinations);
        if (position == scratch.WordCount)
        {
            destinations.AddRange(_destinations);
            return;
        }

        if (_words.Count > 0 && _wordsBySpan.TryGetValue(scratch.Word(position), out var child))
        {
            child.Match(scratch, position + 1, destinations);
        }

        _star?.Match(scratch, position + 1, destinations);
    }

    /// <summary>
    /// This node follows a '#', which swallows zero or more words: the rest of the key is matched here from
    /// <paramref name="position"/> and from every later position. A position tried before in this match was
    /// tried with every later one too, so the walk stops there.
    /// </summary>
    private void MatchAfterHash(TopicMatchScratch scratch, int position, List<IBindingDestination> destinations)
    {
        for (var from = position; from <= scratch.WordCount && scratch.FirstTry(this, from); from++)
        {
            Match(scratch, from, destinations);
        }
    }

    /// <summary>The trie with the binding added or removed along the path; null when nothing is left.</summary>
    private TopicTrie? With(string[] words, int index, IBindingDestination destination, bool add)
    {
        if (index == words.Length)
        {
            var destinations = add ? [.. _destinations, destination] : RemoveOne(_destinations, destination);
            return Rebuild(_words, _star, _hash, destinations);
        }

        var word = words[index];
        switch (word)
        {
            case "*":
                return Rebuild(_words, Descend(_star, words, index, destination, add), _hash, _destinations);
            case "#":
                return Rebuild(_words, _star, Descend(_hash, words, index, destination, add), _destinations);
            default:
                var child = Descend(_words.GetValueOrDefault(word), words, index, destination, add);
                var children = new Dictionary<string, TopicTrie>(_words, StringComparer.Ordinal);
                if (child is null)
                {
                    children.Remove(word);
                }
                else
                {
                    children[word] = child;
                }

                return Rebuild(children.ToFrozenDictionary(StringComparer.Ordinal), _star, _hash, _destinations);
        }
    }

    private static TopicTrie? Descend(TopicTrie? child, string[] words, int index, IBindingDestination destination, bool add) =>
        (child ?? (add ? Empty : null))?.With(words, index + 1, destination, add);

    private static TopicTrie? Rebuild(FrozenDictionary<string, TopicTrie> words, TopicTrie? star, TopicTrie? hash, IBindingDestination[] destinations)
    {
        var node = new TopicTrie(words, star, hash, destinations);
        return node.IsEmpty ? null : node;
    }

    private static IBindingDestination[] RemoveOne(IBindingDestination[] destinations, IBindingDestination destination)
    {
        var index = Array.IndexOf(destinations, destination);
        return index < 0 ? destinations : [.. destinations[..index], .. destinations[(index + 1)..]];
    }
}
