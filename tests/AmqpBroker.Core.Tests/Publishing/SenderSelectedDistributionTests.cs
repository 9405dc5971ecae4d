using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Publishing;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Encoding;
using Queue = AmqpBroker.Core.Queues.Queue;

namespace AmqpBroker.Core.Tests.Publishing;

/// <summary>
/// Sender-selected distribution through the publish pipeline: CC and BCC keys are routed by the exchanges that
/// route by key (each queue once), BCC is gone from what queues keep, and a header of the wrong type refuses
/// the message (rabbit_basic:header_routes at v3.10.8).
/// </summary>
[TestFixture]
public sealed class SenderSelectedDistributionTests
{
    private Broker _broker = null!;
    private VirtualHost _virtualHost = null!;

    [SetUp]
    public void CreateBroker()
    {
        _broker = new Broker(TestData.Settings(), TimeProvider.System);
        _virtualHost = _broker.FindVirtualHost("/")!;
    }

    [TearDown]
    public void DisposeBroker() => _broker.Dispose();

    [TestCase(ExchangeTypes.Direct)]
    [TestCase(ExchangeTypes.Topic)]
    public void Cc_and_bcc_keys_reach_their_queues_once_and_bcc_is_removed(string type)
    {
        var queues = BoundQueues(type, "a", "b", "c", "d");

        var outcome = Publish("x", "a", ("CC", List("b", "b", "a")), ("BCC", List("c")), ("other", "kept"));

        Assert.That(outcome.Queues, Is.EqualTo(3));
        Assert.That(queues.Select(q => q.ReadyCount), Is.EqualTo(new[] { 1, 1, 1, 0 }));
        var kept = Headers(queues[2]);
        Assert.That(kept.Keys, Is.EquivalentTo(new[] { "CC", "other" }));
    }

    [Test]
    public void On_the_default_exchange_the_keys_name_queues()
    {
        var (a, b) = (Declare("qa"), Declare("qb"));

        var outcome = Publish("", "qa", ("BCC", List("qb", "missing")));

        Assert.That(outcome.Queues, Is.EqualTo(2));
        Assert.That((a.ReadyCount, b.ReadyCount), Is.EqualTo((1, 1)));
    }

    [Test]
    public void Fanout_and_headers_exchanges_route_as_without_the_headers()
    {
        var queues = BoundQueues(ExchangeTypes.Fanout, "ignored");

        var outcome = Publish("x", "k", ("CC", List("other")));

        Assert.That(outcome.Queues, Is.EqualTo(1));
        Assert.That(queues[0].ReadyCount, Is.EqualTo(1));
    }

    [Test]
    public void Elements_that_are_not_strings_are_skipped()
    {
        var queues = BoundQueues(ExchangeTypes.Direct, "a", "b");

        Publish("x", "a", ("CC", new List<object?> { 5, "b", true }));

        Assert.That(queues.Select(q => q.ReadyCount), Is.EqualTo(new[] { 1, 1 }));
    }

    [TestCase("CC", "b", "longstr")]
    [TestCase("BCC", 7, "signedint")]
    public void A_header_that_is_not_an_array_refuses_the_message(string header, object value, string type)
    {
        BoundQueues(ExchangeTypes.Direct, "a");

        var ex = Assert.Throws<AmqpException>(() => Publish("x", "a", (header, value)));

        Assert.That(ex.ReplyText, Is.EqualTo($"PRECONDITION_FAILED - invalid message: {{unacceptable_type_in_header,\"{header}\",{type}}}"));
    }

    [Test]
    public void The_keys_of_one_publish_do_not_leak_into_the_next()
    {
        var queues = BoundQueues(ExchangeTypes.Direct, "a", "b");
        var publisher = Publisher.ForBroker(_virtualHost);
        publisher.Publish(new PublishRequest(Message("x", "a", ("CC", List("b")))));

        publisher.Publish(new PublishRequest(Message("x", "a")));

        Assert.That(queues.Select(q => q.ReadyCount), Is.EqualTo(new[] { 2, 1 }));
    }

    private PublishOutcome Publish(string exchange, string routingKey, params (string Name, object? Value)[] headers) =>
        Publisher.ForBroker(_virtualHost).Publish(new PublishRequest(Message(exchange, routingKey, headers)));

    private List<Queue> BoundQueues(string type, params string[] keys)
    {
        _virtualHost.DeclareExchange(TestData.ExchangeDefinition("x", type), passive: false);
        return [.. keys.Select(key =>
        {
            var queue = Declare("q-" + key);
            _virtualHost.Bind(queue.Name, "x", key, FieldTable.Empty, TestData.Connection());
            return queue;
        })];
    }

    private Queue Declare(string name) => _virtualHost.DeclareQueue(TestData.Connection(), name);

    private static List<object?> List(params string[] keys) => [.. keys];

    private static Core.Messages.Message Message(string exchange, string routingKey, params (string Name, object? Value)[] headers)
    {
        var properties = new BasicProperties { Headers = headers.Length == 0 ? null : headers.ToDictionary(h => h.Name, h => h.Value) };
        return Core.Messages.Message.Create(exchange, routingKey, properties.Encode(), "m"u8);
    }

    /// <summary>The headers of the message at the head of <paramref name="queue"/>, taken with basic.get (left unacked, so alive).</summary>
    private static IReadOnlyDictionary<string, object?> Headers(Queue queue)
    {
        var target = new RecordingTarget();
        var session = new Core.Sessions.Session(TestData.Connection(), 1, target);
        Assert.That(session.Get(queue, noAck: false), Is.True);
        return BasicProperties.Decode(target.Gets.Single().Message.Properties).Headers!;
    }
}
