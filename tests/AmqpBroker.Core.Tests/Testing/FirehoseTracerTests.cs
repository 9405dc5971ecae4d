using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Publishing;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Core.Tracing;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Core.Tests.Testing;

/// <summary>The firehose tracer of one vhost: the trace exchange, publishes traced only while it is on, its own messages never traced.</summary>
[TestFixture]
public sealed class FirehoseTracerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private Broker _broker = null!;
    private VirtualHost _virtualHost = null!;
    private Core.Queues.Queue _trace = null!;

    [SetUp]
    public void CreateBroker()
    {
        _broker = new Broker(new BrokerSettings(), TimeProvider.System);
        _virtualHost = _broker.FindVirtualHost("/")!;
        _virtualHost.DeclareQueue(TestData.Connection(), "work");
        _trace = _virtualHost.DeclareQueue(TestData.Connection(), "trace");
        _virtualHost.Bind("trace", FirehoseTracer.ExchangeName, "#", FieldTable.Empty, TestData.Connection());
    }

    [TearDown]
    public void DisposeBroker() => _broker.Dispose();

    [Test]
    public void Every_vhost_has_the_trace_exchange_topic_durable_and_internal()
    {
        var exchange = _virtualHost.GetExchange(FirehoseTracer.ExchangeName);

        Assert.That((exchange.Definition.Type, exchange.Definition.Durable, exchange.Definition.Internal), Is.EqualTo(("topic", true, true)));
    }

    [Test]
    public async Task A_publish_is_traced_as_publish_exchange_with_the_queues_it_reached()
    {
        _virtualHost.Tracer.IsOn = true;

        Publish("", "work");

        var traced = await NextTraceAsync();
        var headers = BasicProperties.Decode(traced.Message.Properties).Headers!;
        Assert.That((traced.Message.Exchange, traced.Message.RoutingKey), Is.EqualTo((FirehoseTracer.ExchangeName, "publish.")));
        Assert.That(headers["routed_queues"], Is.EqualTo(new object?[] { "work" }));
        Assert.That(headers["node"], Is.EqualTo(_broker.NodeName));
        Assert.That(System.Text.Encoding.UTF8.GetString(traced.Message.Body), Is.EqualTo("m"));
    }

    [Test]
    public async Task The_routing_keys_are_the_routing_key_then_those_of_the_CC_and_BCC_headers()
    {
        _virtualHost.Tracer.IsOn = true;
        var properties = new BasicProperties { Headers = new Dictionary<string, object?> { ["CC"] = new object?[] { "cc1" }, ["BCC"] = new object?[] { "bcc1" } } };

        Publisher.ForBroker(_virtualHost).Publish(new PublishRequest(Message.Create("amq.direct", "key", properties.Encode(), "m"u8)));

        var headers = BasicProperties.Decode((await NextTraceAsync()).Message.Properties).Headers!;
        Assert.That(headers["routing_keys"], Is.EqualTo(new object?[] { "key", "cc1", "bcc1" }));
    }

    [Test]
    public async Task Nothing_is_traced_while_it_is_off()
    {
        Publish("", "work");
        _virtualHost.Tracer.IsOn = true;
        Publish("amq.direct", "marker");

        var traced = await NextTraceAsync();

        Assert.That(traced.Message.RoutingKey, Is.EqualTo("publish.amq.direct"));
        Assert.That(_trace.ReadyCount, Is.Zero);
    }

    [Test]
    public async Task A_delivery_of_a_trace_message_is_not_traced_again()
    {
        _virtualHost.Tracer.IsOn = true;
        var traceMessage = Message.Create(FirehoseTracer.ExchangeName, "publish.", new BasicProperties().Encode(), "t"u8);
        _virtualHost.Tracer.TraceDeliver("trace", traceMessage, redelivered: false, TestData.Connection(), 1);
        Publish("amq.direct", "marker");

        var traced = await NextTraceAsync();

        Assert.That(traced.Message.RoutingKey, Is.EqualTo("publish.amq.direct"));
        traceMessage.Release();
    }

    private void Publish(string exchange, string routingKey) =>
        Publisher.ForBroker(_virtualHost).Publish(new PublishRequest(Message.Create(exchange, routingKey, new BasicProperties().Encode(), "m"u8)));

    private async Task<Core.Queues.QueueEntry> NextTraceAsync()
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (DateTime.UtcNow < deadline)
        {
            if (_trace.TryTake(out var entry, out _))
            {
                return entry;
            }

            await Task.Delay(10);
        }

        throw new AssertionException("no trace message came");
    }
}
