using AmqpBroker.Management.Json;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Management.Tests.Json;

public sealed class BindingKeyTests
{
    [TestCase("", "~")]
    [TestCase("q1", "q1")]
    [TestCase("a.#", "a.%23")]
    [TestCase("k/2", "k%2F2")]
    [TestCase("a~b", "a%7Eb")]
    public void Without_arguments_the_key_is_the_escaped_routing_key_as_RabbitMQ_writes_it(string routingKey, string expected) =>
        Assert.That(BindingKey.For(routingKey, FieldTable.Empty), Is.EqualTo(expected));

    [Test]
    public void With_arguments_a_short_hash_follows_that_ignores_key_order()
    {
        var first = BindingKey.For("k", new Dictionary<string, object?> { ["a"] = 1, ["b"] = "x" });
        var reordered = BindingKey.For("k", new Dictionary<string, object?> { ["b"] = "x", ["a"] = 1 });
        var other = BindingKey.For("k", new Dictionary<string, object?> { ["a"] = 2, ["b"] = "x" });
        Assert.That(first, Does.Match("^k~[A-Za-z0-9_-]{6}$"));
        Assert.That(reordered, Is.EqualTo(first));
        Assert.That(other, Is.Not.EqualTo(first));
    }
}
