using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Core.Tests.Exchanges;

[TestFixture]
public sealed class RoutingTests : BrokerFixture
{
    [Test]
    public void The_default_exchange_routes_to_the_queue_named_by_the_routing_key()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "orders");

        Assert.That(VirtualHost.Publish("", "orders", "m1"), Is.EqualTo(1));
        Assert.That(VirtualHost.Publish("", "other", "m2"), Is.Zero);

        Assert.That(queue.ReadyCount, Is.EqualTo(1));
    }

    [Test]
    public void A_direct_exchange_routes_by_exact_key()
    {
        Declare("x", ExchangeTypes.Direct);
        var a = VirtualHost.DeclareQueue(Connection, "a");
        var b = VirtualHost.DeclareQueue(Connection, "b");
        Bind("a", "x", "red");
        Bind("b", "x", "green");
        Bind("a", "x", "blue");
        Bind("b", "x", "blue");

        Assert.That(Route("x", "red"), Is.EqualTo(new[] { a }));
        Assert.That(Route("x", "green"), Is.EqualTo(new[] { b }));
        Assert.That(Route("x", "blue"), Is.EquivalentTo(new[] { a, b }));
        Assert.That(Route("x", "Red"), Is.Empty, "keys are case-sensitive");
        Assert.That(Route("x", "red.x"), Is.Empty);
    }

    [Test]
    public void A_queue_bound_twice_by_the_same_key_gets_one_copy()
    {
        Declare("x", ExchangeTypes.Direct);
        var a = VirtualHost.DeclareQueue(Connection, "a");
        Bind("a", "x", "k");
        VirtualHost.Bind("a", "x", "k", new Dictionary<string, object?> { ["any"] = 1 }, Connection);

        Assert.That(Route("x", "k"), Is.EqualTo(new[] { a }));
        Assert.That(VirtualHost.Publish("x", "k", "m"), Is.EqualTo(1));
        Assert.That(a.ReadyCount, Is.EqualTo(1));
    }

    [Test]
    public void Unbinding_stops_routing_and_unbinding_a_missing_binding_is_accepted()
    {
        Declare("x", ExchangeTypes.Direct);
        VirtualHost.DeclareQueue(Connection, "a");
        Bind("a", "x", "k");

        VirtualHost.Unbind("a", "x", "k", FieldTable.Empty, Connection);

        Assert.That(Route("x", "k"), Is.Empty);
        Assert.DoesNotThrow(() => VirtualHost.Unbind("a", "x", "k", FieldTable.Empty, Connection));
    }

    [Test]
    public void A_fanout_exchange_routes_to_every_bound_queue_whatever_the_key()
    {
        Declare("f", ExchangeTypes.Fanout);
        var a = VirtualHost.DeclareQueue(Connection, "a");
        var b = VirtualHost.DeclareQueue(Connection, "b");
        var c = VirtualHost.DeclareQueue(Connection, "c");
        Bind("a", "f", "");
        Bind("b", "f", "ignored");
        Bind("b", "f", "also-ignored");

        Assert.That(Route("f", "anything"), Is.EquivalentTo(new[] { a, b }));
        Assert.That(VirtualHost.Publish("f", "", "m"), Is.EqualTo(2));
        Assert.That((a.ReadyCount, b.ReadyCount, c.ReadyCount), Is.EqualTo((1, 1, 0)));
    }

    [Test]
    public void A_deleted_queue_is_no_longer_routed_to()
    {
        Declare("f", ExchangeTypes.Fanout);
        var a = VirtualHost.DeclareQueue(Connection, "a");
        VirtualHost.DeclareQueue(Connection, "b");
        Bind("a", "f", "");
        Bind("b", "f", "");

        VirtualHost.DeleteQueue("b", false, false, Connection);

        Assert.That(Route("f", ""), Is.EqualTo(new[] { a }));
        Assert.That(VirtualHost.GetExchange("f").Bindings, Has.Count.EqualTo(1));
    }

    [Test]
    public void An_auto_delete_exchange_goes_away_with_its_last_binding()
    {
        VirtualHost.DeclareExchange(TestData.ExchangeDefinition("ad", ExchangeTypes.Fanout, autoDelete: true), passive: false);
        VirtualHost.DeclareQueue(Connection, "a");
        Bind("a", "ad", "");

        VirtualHost.Unbind("a", "ad", "", FieldTable.Empty, Connection);

        Assert.That(VirtualHost.Exchanges.Any(e => e.Name == "ad"), Is.False);
    }

    [TestCase("a.b.c", "a.b.c", true)]
    [TestCase("a.*.c", "a.b.c", true)]
    [TestCase("a.*.c", "a.c", false)]
    [TestCase("a.#", "a", true)]
    [TestCase("a.#", "a.b.c", true)]
    [TestCase("#.c", "a.b.c", true)]
    [TestCase("#", "", true)]
    [TestCase("*", "", false)]
    [TestCase("a.#.c", "a.c", true)]
    [TestCase("a.#.c", "a.x.y.c", true)]
    [TestCase("a.#.c", "a.x.y.d", false)]
    [TestCase("*.*", "a.b.c", false)]
    public void A_topic_exchange_matches_star_and_hash(string bindingKey, string routingKey, bool matches)
    {
        Declare("t", ExchangeTypes.Topic);
        var a = VirtualHost.DeclareQueue(Connection, "a");
        Bind("a", "t", bindingKey);

        Assert.That(Route("t", routingKey), matches ? Is.EqualTo(new[] { a }) : Is.Empty);
    }

    private void Declare(string name, string type) =>
        VirtualHost.DeclareExchange(TestData.ExchangeDefinition(name, type), passive: false);

    private void Bind(string queue, string exchange, string key) =>
        VirtualHost.Bind(queue, exchange, key, FieldTable.Empty, Connection);

    private List<Queue> Route(string exchange, string routingKey)
    {
        var message = TestData.Message("probe", routingKey, exchange);
        var scratch = new RoutingScratch();
        try
        {
            MessageRouter.Route(VirtualHost.GetExchange(exchange), message, VirtualHost.GetExchange, scratch);
            return [.. scratch.Queues];
        }
        finally
        {
            message.Release();
        }
    }
}
