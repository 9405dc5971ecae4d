using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Publishing;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Core.Tests.Exchanges;

/// <summary>The exchange types of later releases: x-local-random (4.0) and x-modulus-hash (4.3).</summary>
[TestFixture]
public sealed class ReleaseExchangeTypeTests
{
    private readonly ClientConnection _owner = TestData.Connection();
    private VirtualHost _virtualHost = null!;

    [SetUp]
    public void CreateVirtualHost() => _virtualHost = new VirtualHost("/", TestData.Services("4.3"));

    [Test]
    public void Modulus_hash_sends_each_message_to_one_destination_picked_by_its_routing_keys()
    {
        var queues = Bound(ExchangeTypes.ModulusHash, "k1", 5);

        for (var i = 0; i < 50; i++)
        {
            Assert.That(_virtualHost.Publish("x", "key-" + (i % 10), "m"), Is.EqualTo(1));
        }

        var before = queues.Select(q => q.ReadyCount).ToList();
        for (var i = 0; i < 3; i++)
        {
            _virtualHost.Publish("x", "same", "m");
        }

        var gained = queues.Select((q, i) => q.ReadyCount - before[i]).ToList();
        Assert.That(before.Sum(), Is.EqualTo(50));
        Assert.That(before.Count(c => c > 0), Is.GreaterThan(1), "different keys spread over the destinations");
        Assert.That(gained.Order(), Is.EqualTo(new[] { 0, 0, 0, 0, 3 }), "the same key always picks the same destination");
    }

    [Test]
    public void Modulus_hash_counts_the_cc_keys_as_routing_keys()
    {
        var queues = Bound(ExchangeTypes.ModulusHash, "", 16);
        var publisher = Publisher.ForBroker(_virtualHost);
        var picked = new HashSet<string>();

        for (var i = 0; i < 16; i++)
        {
            var properties = new BasicProperties { Headers = new Dictionary<string, object?> { ["CC"] = new List<object?> { $"cc-{i}" } } };
            publisher.Publish(new PublishRequest(Core.Messages.Message.Create("x", "same", properties.Encode(), "m"u8)));
        }

        Assert.That(queues.Count(q => q.ReadyCount > 0), Is.GreaterThan(1), "one routing key, different CC keys, different picks");
    }

    [Test]
    public void Local_random_sends_each_message_to_one_bound_queue()
    {
        var queues = Bound(ExchangeTypes.LocalRandom, "", 3);

        for (var i = 0; i < 30; i++)
        {
            Assert.That(_virtualHost.Publish("x", "any", "m"), Is.EqualTo(1));
        }

        Assert.That(queues.Sum(q => q.ReadyCount), Is.EqualTo(30));
    }

    [Test]
    public void Local_random_refuses_a_binding_key_and_an_exchange_destination()
    {
        _virtualHost.DeclareExchange(TestData.ExchangeDefinition("x", ExchangeTypes.LocalRandom), passive: false);
        _virtualHost.DeclareExchange(TestData.ExchangeDefinition("other", ExchangeTypes.Fanout), passive: false);
        _virtualHost.DeclareQueue(_owner, "q", exclusive: true);

        var keyed = Assert.Throws<AmqpException>(() => _virtualHost.Bind("q", "x", "k", FieldTable.Empty, _owner));
        var exchange = Assert.Throws<AmqpException>(() => _virtualHost.BindExchange("other", "x", "", FieldTable.Empty));

        Assert.That(keyed.ReplyText, Is.EqualTo("PRECONDITION_FAILED - Non empty binding 'k' key not permitted"));
        Assert.That(exchange.ReplyText, Is.EqualTo("PRECONDITION_FAILED - Destination not found"));
    }

    private List<Core.Queues.Queue> Bound(string type, string key, int count)
    {
        _virtualHost.DeclareExchange(TestData.ExchangeDefinition("x", type), passive: false);
        var queues = new List<Core.Queues.Queue>();
        for (var i = 0; i < count; i++)
        {
            var queue = _virtualHost.DeclareQueue(_owner, $"q{i}", exclusive: true);
            _virtualHost.Bind(queue.Name, "x", key, FieldTable.Empty, _owner);
            queues.Add(queue);
        }

        return queues;
    }
}
