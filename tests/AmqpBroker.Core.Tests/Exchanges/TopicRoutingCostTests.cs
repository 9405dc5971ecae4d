using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Tests.TestSupport;

namespace AmqpBroker.Core.Tests.Exchanges;

/// <summary>
/// What topic routing costs: nothing allocated per publish once a channel's scratch is warm, and '#'
/// patterns bounded by (trie nodes × key words) rather than growing with a power of the key's length.
/// </summary>
[TestFixture]
public sealed class TopicRoutingCostTests
{
    [Test]
    public void Routing_through_a_topic_exchange_allocates_nothing_per_publish()
    {
        var exchange = new TopicExchange(TestData.ExchangeDefinition("t", ExchangeTypes.Topic));
        var destinations = Enumerable.Range(0, 20).Select(i => new FakeDestination($"q{i}")).ToArray();
        string[] patterns = ["stock.usd.nyse", "stock.*.nyse", "stock.#", "#.nyse", "*.*.*", "#", "stock.eur.*", "a.#.b.#.c"];
        for (var i = 0; i < destinations.Length; i++)
        {
            exchange.AddBinding(new Binding(exchange, destinations[i], patterns[i % patterns.Length], Protocol.Encoding.FieldTable.Empty));
        }

        var message = TestData.Message("m", "stock.usd.nyse");
        var scratch = new RoutingScratch();
        RouteOnce(exchange, message, scratch);
        var routed = scratch.Destinations.Count;

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            RouteOnce(exchange, message, scratch);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        message.Release();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(routed, Is.EqualTo(destinations.Length - 4), "all but the four bound by stock.eur.* or a.#.b.#.c");
            Assert.That(allocated, Is.Zero, "bytes allocated by 10,000 routes");
        }
    }

    [Test]
    public void A_chain_of_hashes_against_a_long_key_is_matched_in_bounded_time()
    {
        var exchange = new TopicExchange(TestData.ExchangeDefinition("t", ExchangeTypes.Topic));
        var all = new FakeDestination("all");
        var ending = new FakeDestination("ending");
        var never = new FakeDestination("never");
        exchange.AddBinding(new Binding(exchange, all, "#.#.#.#.#.#.#.#.#.#.#.#", Protocol.Encoding.FieldTable.Empty));
        exchange.AddBinding(new Binding(exchange, ending, "#.a.#.a.#.a.#.a.#.b", Protocol.Encoding.FieldTable.Empty));
        exchange.AddBinding(new Binding(exchange, never, "#.a.#.a.#.a.#.a.#.c", Protocol.Encoding.FieldTable.Empty));
        var key = string.Join('.', Enumerable.Repeat("a", 120)) + ".b";

        // Without the memo this is on the order of 120^11 steps; with it, well under a second.
        var matching = Task.Run(() => ExchangeRouting.Route(exchange, TestData.Message("m", key)));

        Assert.That(matching.Wait(TimeSpan.FromSeconds(30)), Is.True, "routing finished");
        Assert.That(matching.Result, Is.EquivalentTo(new[] { all, ending }));
    }

    private static void RouteOnce(Exchange exchange, Core.Messages.Message message, RoutingScratch scratch)
    {
        scratch.Destinations.Clear();
        exchange.Route(message, scratch);
    }
}
