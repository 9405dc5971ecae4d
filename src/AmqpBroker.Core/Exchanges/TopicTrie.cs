using System.Collections.Frozen;
namespace AmqpBroker.Core.Exchanges;

/// <summary>
/// An immutable trie of topic binding keys. A binding adds or removes by copying only the nodes on its
/// path, so routing reads a consistent snapshot without locks and a change costs O(key length).
/// Words are split on '.' as RabbitMQ splits them: "" has no words, "a..b" has an empty middle word;
/// '*' matches exactly one word and '#' zero or more.
/// </summary>
internal sealed class TopicTrie
{
    public static readonly TopicTrie Empty = new(FrozenDictionary<string, TopicTrie>.Empty, null, null, []);

    private readonly FrozenDictionary<string, TopicTrie> _words;
    private readonly TopicTrie? _star;
    private readonly TopicTrie? _hash;

    /// <summary>One entry per binding ending here, so removing one of two equal bindings keeps the other.</summary>
    private readonly IBindingDestination[] _destinations;

    private TopicTrie(FrozenDictionary<string, TopicTrie> words, TopicTrie? star, TopicTrie? hash, IBindingDestination[] destinations)
    {
        _words = words;
        _star = star;
        _hash = hash;
        _destinations = destinations;
    }

    private bool IsEmpty => _destinations.Length == 0 && _star is null && _hash is null && _words.Count == 0;

    public static string[] Split(string key) => key.Length == 0 ? [] : key.Split('.');

    public TopicTrie Add(string bindingKey, IBindingDestination destination) => With(Split(bindingKey), 0, destination, add: true) ?? Empty;

    public TopicTrie Remove(string bindingKey, IBindingDestination destination) => With(Split(bindingKey), 0, destination, add: false) ?? Empty;

    /// <summary>Adds every destination whose binding key matches the routing key's words.</summary>
    public void Match(ReadOnlySpan<string> words, List<IBindingDestination> destinations)
    {
        if (_hash is not null)
        {
            // '#' swallows zero or more words: try the rest of the key from every position.
            for (var skip = 0; skip <= words.Length; skip++)
            {
                _hash.Match(words[skip..], destinations);
            }
        }

        if (words.IsEmpty)
        {
            destinations.AddRange(_destinations);
            return;
        }

        if (_words.TryGetValue(words[0], out var child))
        {
            child.Match(words[1..], destinations);
        }

        _star?.Match(words[1..], destinations);
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
