using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Core.Tests.Exchanges;

/// <summary>
/// x-consistent-hash with the plugin's rules: binding keys are weights, each message reaches exactly one
/// destination, in proportion to the weights, the same key always the same one, and removing a
/// destination moves only the keys it had.
/// </summary>
[TestFixture]
public sealed class ConsistentHashExchangeTests
{
    private const int Keys = 20_000;

    [Test]
    public void Each_message_reaches_one_destination_in_proportion_to_the_weights()
    {
        var (virtualHost, queues) = HashExchange(("a", "1"), ("b", "3"));

        for (var i = 0; i < Keys; i++)
        {
            Assert.That(virtualHost.Publish("hash", $"key-{i}", "m"), Is.EqualTo(1));
        }

        var share = queues[1].ReadyCount / (double)Keys;
        Assert.That(queues[0].ReadyCount + queues[1].ReadyCount, Is.EqualTo(Keys));
        Assert.That(share, Is.EqualTo(0.75).Within(0.02), "weight 3 of 4");
    }

    [Test]
    public void The_same_bindings_give_the_same_distribution_in_another_broker()
    {
        var (first, firstQueues) = HashExchange(("a", "2"), ("b", "1"), ("c", "1"));
        var (second, secondQueues) = HashExchange(("a", "2"), ("b", "1"), ("c", "1"));

        for (var i = 0; i < 1000; i++)
        {
            first.Publish("hash", $"order-{i}", "m");
            second.Publish("hash", $"order-{i}", "m");
        }

        Assert.That(secondQueues.Select(q => q.ReadyCount), Is.EqualTo(firstQueues.Select(q => q.ReadyCount)));
    }

    [Test]
    public void Removing_a_destination_moves_only_the_keys_it_had()
    {
        var (virtualHost, queues) = HashExchange(("a", "1"), ("b", "1"), ("c", "1"));
        var before = Enumerable.Range(0, 3000).Select(i => Target(virtualHost, queues, $"k{i}")).ToList();

        virtualHost.Unbind("c", "hash", "1", FieldTable.Empty, TestData.Connection());
        var after = Enumerable.Range(0, 3000).Select(i => Target(virtualHost, queues, $"k{i}")).ToList();

        Assert.That(Enumerable.Range(0, 3000).Where(i => before[i] != "c").All(i => after[i] == before[i]), Is.True);
        Assert.That(after, Does.Not.Contain("c"));
    }

    [TestCase("abc", "PRECONDITION_FAILED - The binding key must be an integer: <<\"abc\">>")]
    [TestCase("0", "PRECONDITION_FAILED - The binding key must be greater than 0")]
    public void A_binding_key_that_is_not_a_positive_integer_is_refused(string key, string reply)
    {
        var (virtualHost, _) = HashExchange();
        virtualHost.DeclareQueue(TestData.Connection(), "q");

        var ex = Assert.Throws<AmqpException>(() => virtualHost.Bind("q", "hash", key, FieldTable.Empty, TestData.Connection()));

        Assert.That(ex.ReplyText, Is.EqualTo(reply));
    }

    [Test]
    public void Hash_header_and_hash_property_together_are_refused()
    {
        var virtualHost = new VirtualHost("/");
        var arguments = new Dictionary<string, object?> { ["hash-header"] = "h", ["hash-property"] = "message_id" };

        var ex = Assert.Throws<AmqpException>(() => virtualHost.DeclareExchange(TestData.ExchangeDefinition("hash", "x-consistent-hash", arguments: arguments), passive: false));

        Assert.That(ex.ReplyText, Is.EqualTo("PRECONDITION_FAILED - hash-header and hash-property are mutually exclusive"));
    }

    [Test]
    public void An_unsupported_hash_property_is_refused()
    {
        var arguments = new Dictionary<string, object?> { ["hash-property"] = "app_id" };

        var ex = Assert.Throws<AmqpException>(() => new VirtualHost("/").DeclareExchange(TestData.ExchangeDefinition("hash", "x-consistent-hash", arguments: arguments), passive: false));

        Assert.That(ex.ReplyText, Is.EqualTo("PRECONDITION_FAILED - Unsupported property: app_id"));
    }

    private static (VirtualHost Host, List<Core.Queues.Queue> Queues) HashExchange(params (string Queue, string Weight)[] bindings)
    {
        var virtualHost = new VirtualHost("/");
        var connection = TestData.Connection();
        virtualHost.DeclareExchange(TestData.ExchangeDefinition("hash", "x-consistent-hash"), passive: false);
        var queues = new List<Core.Queues.Queue>();
        foreach (var (queue, weight) in bindings)
        {
            queues.Add(virtualHost.DeclareQueue(connection, queue));
            virtualHost.Bind(queue, "hash", weight, FieldTable.Empty, connection);
        }

        return (virtualHost, queues);
    }

    /// <summary>Which queue a key reaches: publish it and see which count went up.</summary>
    private static string Target(VirtualHost virtualHost, List<Core.Queues.Queue> queues, string key)
    {
        var counts = queues.Select(q => q.ReadyCount).ToList();
        virtualHost.Publish("hash", key, "m");
        return queues.Where((q, i) => q.ReadyCount > counts[i]).Single().Name;
    }
}
