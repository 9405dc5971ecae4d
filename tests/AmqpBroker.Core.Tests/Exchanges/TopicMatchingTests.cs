using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Core.Tests.Exchanges;

/// <summary>
/// The trie-based topic routing against a plain recursive matcher written from RabbitMQ's rules: keys
/// split on '.' ("" has no words, "a..b" has an empty middle word), '*' is exactly one word, '#' is zero
/// or more words. Random cases come from a fixed seed, so a failure reproduces.
/// </summary>
[TestFixture]
public sealed class TopicMatchingTests
{
    // Few distinct words, so that random keys and patterns collide often; "" makes empty words.
    private static readonly string[] KeyWords = ["a", "b", "c", ""];
    private static readonly string[] PatternWords = ["a", "b", "c", "", "*", "#"];

    // The cases checked against RabbitMQ 3.10 by the interop suite (TopicAndHeadersRoutingTests).
    [TestCase("a.b.c", "a.b.c", true)]
    [TestCase("a.b.c", "a.b", false)]
    [TestCase("a.b", "a.b.c", false)]
    [TestCase("A", "a", false)]
    [TestCase("*", "a", true)]
    [TestCase("*", "", false)]
    [TestCase("*", "a.b", false)]
    [TestCase("*", ".", false)]
    [TestCase("*.*", ".", true)]
    [TestCase("*.*.*", "a.b", false)]
    [TestCase("#", "", true)]
    [TestCase("#", "a.b.c", true)]
    [TestCase("#", "..", true)]
    [TestCase("#.#", "", true)]
    [TestCase("#.#", "a.b", true)]
    [TestCase("a.#", "a", true)]
    [TestCase("a.#", "a.", true)]
    [TestCase("a.#", "b.a", false)]
    [TestCase("#.a", "x.y.a", true)]
    [TestCase("#.a", "a.x", false)]
    [TestCase("a.#.b", "a.b", true)]
    [TestCase("a.#.b", "a.b.b", true)]
    [TestCase("a.#.b", "a.x.b.c", false)]
    [TestCase("a.#.#.b", "a.b", true)]
    [TestCase("a.*.b", "a..b", true)]
    [TestCase("a.*.b", "a.b", false)]
    [TestCase("a..b", "a..b", true)]
    [TestCase("a..b", "a.b", false)]
    [TestCase("", "", true)]
    [TestCase("", "a", false)]
    [TestCase(".a", ".a", true)]
    [TestCase(".a", "a", false)]
    [TestCase("a.", "a.", true)]
    [TestCase("a.", "a", false)]
    [TestCase("a.*", "a.", true)]
    [TestCase("#.*", "", false)]
    [TestCase("#.*", "a", true)]
    [TestCase("a.*.#", "a", false)]
    [TestCase("#.b.#", "b", true)]
    [TestCase("a.b#", "a.b#", true)]
    [TestCase("a.b#", "a.bx", false)]
    [TestCase("a*", "ab", false)]
    public void Known_cases_agree_with_RabbitMQ(string pattern, string routingKey, bool matches)
    {
        var destination = new FakeDestination("q");
        var trie = TopicTrie.Empty.Add(pattern, destination);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ReferenceMatches(pattern, routingKey), Is.EqualTo(matches), "reference matcher");
            Assert.That(TrieMatches(trie, routingKey), Is.EqualTo(matches ? new[] { destination } : []), "trie");
        }
    }

    [Test]
    public void Random_single_bindings_match_like_the_reference()
    {
        var random = new Random(20240601);
        var destination = new FakeDestination("q");
        var mismatches = new List<string>();

        for (var i = 0; i < 5000; i++)
        {
            var pattern = RandomKey(random, PatternWords, 6);
            var key = RandomKey(random, KeyWords, 7);
            var expected = ReferenceMatches(pattern, key);
            var actual = TrieMatches(TopicTrie.Empty.Add(pattern, destination), key).Count > 0;
            if (expected != actual)
            {
                mismatches.Add($"pattern '{pattern}' key '{key}': expected {expected}");
            }
        }

        Assert.That(mismatches, Is.Empty);
    }

    [Test]
    public void Random_binding_sets_route_to_the_same_destinations_as_the_reference()
    {
        var random = new Random(7);
        var destinations = Enumerable.Range(0, 40).Select(i => new FakeDestination($"q{i}")).ToArray();
        var bindings = new List<(string Pattern, FakeDestination Destination)>();
        var trie = TopicTrie.Empty;
        for (var i = 0; i < 300; i++)
        {
            var binding = (RandomKey(random, PatternWords, 5), destinations[random.Next(destinations.Length)]);
            bindings.Add(binding);
            trie = trie.Add(binding.Item1, binding.Item2);
        }

        for (var i = 0; i < 3000; i++)
        {
            var key = RandomKey(random, KeyWords, 6);
            var expected = ReferenceRoute(bindings, key);
            Assert.That(TrieMatches(trie, key), Is.EquivalentTo(expected), $"key '{key}'");
        }
    }

    [Test]
    public void The_topic_exchange_routes_each_destination_once_like_the_reference()
    {
        var random = new Random(11);
        var exchange = new TopicExchange(TestData.ExchangeDefinition("t", ExchangeTypes.Topic));
        var destinations = Enumerable.Range(0, 20).Select(i => new FakeDestination($"q{i}")).ToArray();
        var bindings = new List<(string Pattern, FakeDestination Destination)>();
        for (var i = 0; i < 200; i++)
        {
            var pattern = RandomKey(random, PatternWords, 5);
            var destination = destinations[random.Next(destinations.Length)];
            if (exchange.AddBinding(new Binding(exchange, destination, pattern, FieldTable.Empty)))
            {
                bindings.Add((pattern, destination));
            }
        }

        for (var i = 0; i < 2000; i++)
        {
            var key = RandomKey(random, KeyWords, 6);
            var routed = Route(exchange, key);
            Assert.That(routed, Is.Unique, $"key '{key}' routed a destination twice");
            Assert.That(routed, Is.EquivalentTo(ReferenceRoute(bindings, key)), $"key '{key}'");
        }
    }

    [Test]
    public void Bind_and_unbind_churn_keeps_routing_equal_to_the_reference()
    {
        var random = new Random(99);
        var exchange = new TopicExchange(TestData.ExchangeDefinition("t", ExchangeTypes.Topic));
        var destinations = Enumerable.Range(0, 8).Select(i => new FakeDestination($"q{i}")).ToArray();
        var patterns = Enumerable.Range(0, 60).Select(_ => RandomKey(random, PatternWords, 4)).Distinct().ToArray();
        var bound = new HashSet<(string Pattern, FakeDestination Destination)>();

        for (var step = 0; step < 4000; step++)
        {
            var binding = (patterns[random.Next(patterns.Length)], destinations[random.Next(destinations.Length)]);
            if (random.Next(2) == 0)
            {
                var added = exchange.AddBinding(new Binding(exchange, binding.Item2, binding.Item1, FieldTable.Empty));
                Assert.That(added, Is.EqualTo(bound.Add(binding)), "an equal binding is only added once");
            }
            else
            {
                var removed = exchange.RemoveBinding(binding.Item2, binding.Item1, FieldTable.Empty);
                Assert.That(removed is not null, Is.EqualTo(bound.Remove(binding)), "only an existing binding is removed");
            }

            if (step % 10 == 0)
            {
                for (var probe = 0; probe < 5; probe++)
                {
                    var key = RandomKey(random, KeyWords, 5);
                    Assert.That(Route(exchange, key), Is.EquivalentTo(ReferenceRoute(bound, key)), $"step {step}, key '{key}'");
                }
            }
        }

        foreach (var (pattern, destination) in bound.ToList())
        {
            Assert.That(exchange.RemoveBinding(destination, pattern, FieldTable.Empty), Is.Not.Null);
        }

        Assert.That(Route(exchange, "a.b"), Is.Empty);
        Assert.That(Route(exchange, string.Empty), Is.Empty);
    }

    [Test]
    public void Removing_every_binding_leaves_the_empty_trie()
    {
        var random = new Random(3);
        var destinations = Enumerable.Range(0, 5).Select(i => new FakeDestination($"q{i}")).ToArray();
        var bindings = Enumerable.Range(0, 200)
            .Select(_ => (Pattern: RandomKey(random, PatternWords, 5), Destination: destinations[random.Next(destinations.Length)]))
            .ToList();
        var trie = TopicTrie.Empty;
        foreach (var (pattern, destination) in bindings)
        {
            trie = trie.Add(pattern, destination);
        }

        foreach (var (pattern, destination) in bindings.OrderBy(_ => random.Next()))
        {
            trie = trie.Remove(pattern, destination);
        }

        Assert.That(trie, Is.SameAs(TopicTrie.Empty), "no nodes are left behind");
    }

    [Test]
    public void Two_equal_trie_entries_are_removed_one_at_a_time()
    {
        var destination = new FakeDestination("q");
        var trie = TopicTrie.Empty.Add("a.#", destination).Add("a.#", destination);

        trie = trie.Remove("a.#", destination);
        Assert.That(TrieMatches(trie, "a.b"), Is.EqualTo(new[] { destination }));

        trie = trie.Remove("a.#", destination);
        Assert.That(TrieMatches(trie, "a.b"), Is.Empty);
    }

    [Test]
    public void Removing_a_pattern_that_was_never_added_changes_nothing()
    {
        var destination = new FakeDestination("q");
        var other = new FakeDestination("other");
        var trie = TopicTrie.Empty.Add("a.*", destination);

        trie = trie.Remove("a.b", destination).Remove("a.*", other).Remove("#", destination);

        Assert.That(TrieMatches(trie, "a.x"), Is.EqualTo(new[] { destination }));
    }

    [Test]
    public void An_older_trie_snapshot_is_not_changed_by_later_bindings()
    {
        var destination = new FakeDestination("q");
        var before = TopicTrie.Empty.Add("a.*", destination);

        var after = before.Add("#", destination).Remove("a.*", destination);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(TrieMatches(before, "x.y"), Is.Empty);
            Assert.That(TrieMatches(before, "a.b"), Is.EqualTo(new[] { destination }));
            Assert.That(TrieMatches(after, "x.y"), Is.EqualTo(new[] { destination }));
        }
    }

    // ---------------------------------------------------------------- reference matcher

    private static string[] Words(string key) => key.Length == 0 ? [] : key.Split('.');

    private static bool ReferenceMatches(string pattern, string key) => MatchWords(Words(pattern), 0, Words(key), 0);

    private static bool MatchWords(string[] pattern, int p, string[] key, int k)
    {
        if (p == pattern.Length)
        {
            return k == key.Length;
        }

        if (pattern[p] == "#")
        {
            // Zero words, or swallow one more word and stay on the '#'.
            return MatchWords(pattern, p + 1, key, k) || (k < key.Length && MatchWords(pattern, p, key, k + 1));
        }

        return k < key.Length && (pattern[p] == "*" || pattern[p] == key[k]) && MatchWords(pattern, p + 1, key, k + 1);
    }

    private static HashSet<FakeDestination> ReferenceRoute(IEnumerable<(string Pattern, FakeDestination Destination)> bindings, string key) =>
        [.. bindings.Where(b => ReferenceMatches(b.Pattern, key)).Select(b => b.Destination)];

    // ---------------------------------------------------------------- helpers

    private static string RandomKey(Random random, string[] words, int maxWords)
    {
        var count = random.Next(maxWords + 1);
        return string.Join('.', Enumerable.Range(0, count).Select(_ => words[random.Next(words.Length)]));
    }

    /// <summary>The distinct destinations the trie matches (it may find one binding by several paths).</summary>
    private static List<IBindingDestination> TrieMatches(TopicTrie trie, string key)
    {
        var found = new List<IBindingDestination>();
        trie.Match(key, new TopicMatchScratch(), found);
        return [.. found.Distinct()];
    }

    private static List<IBindingDestination> Route(Exchange exchange, string key) =>
        ExchangeRouting.Route(exchange, TestData.Message("m", key, exchange.Name));
}
