using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Publishing;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Core.Testing.Faults;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Core.Tests.Testing;

/// <summary>Publish faults in the publish pipeline: the publishes in scope are refused by their queues and reported rejected, the count runs down.</summary>
[TestFixture]
public sealed class PublishFaultTests
{
    private Broker _broker = null!;
    private VirtualHost _virtualHost = null!;

    [SetUp]
    public void CreateBroker()
    {
        _broker = new Broker(new BrokerSettings(), TimeProvider.System);
        _virtualHost = _broker.FindVirtualHost("/")!;
    }

    [TearDown]
    public void DisposeBroker() => _broker.Dispose();

    [Test]
    public void The_next_publishes_in_scope_are_rejected_and_not_enqueued_until_the_count_runs_out()
    {
        var queue = Declare("orders");
        _broker.Faults.NackPublishes(FaultScope.ForVirtualHost("/"), count: 2);

        var outcomes = Enumerable.Range(0, 3).Select(_ => Publish("", "orders").Rejected).ToList();

        Assert.That(outcomes, Is.EqualTo(new[] { true, true, false }));
        Assert.That(queue.ReadyCount, Is.EqualTo(1));
        Assert.That(_broker.Faults.IsArmed, Is.False);
    }

    [Test]
    public void A_queue_scoped_fault_refuses_only_at_its_queue()
    {
        var refusing = Declare("refusing");
        var accepting = Declare("accepting");
        _virtualHost.Bind("refusing", "amq.fanout", "", FieldTable.Empty, TestData.Connection());
        _virtualHost.Bind("accepting", "amq.fanout", "", FieldTable.Empty, TestData.Connection());
        _broker.Faults.NackPublishes(FaultScope.ForQueue("refusing"));

        var outcome = Publish("amq.fanout", "");

        Assert.That((outcome.Rejected, outcome.Queues), Is.EqualTo((true, 2)));
        Assert.That((refusing.ReadyCount, accepting.ReadyCount), Is.EqualTo((0, 1)));
    }

    [Test]
    public void A_fault_for_another_vhost_or_connection_leaves_the_publish_alone()
    {
        var queue = Declare("orders");
        _broker.Faults.NackPublishes(FaultScope.ForVirtualHost("other"));
        _broker.Faults.NackPublishes(FaultScope.ForConnection("billing"));

        Assert.That(Publish("", "orders").Rejected, Is.False);
        Assert.That(queue.ReadyCount, Is.EqualTo(1));
        Assert.That(_broker.Faults.IsArmed, Is.True);
    }

    [Test]
    public void Clear_disarms_every_counted_fault()
    {
        _broker.Faults.NackPublishes(FaultScope.Everywhere, count: 5);
        _broker.Faults.RefuseDeclares(FaultScope.Everywhere);

        _broker.Faults.Clear();

        Assert.That(_broker.Faults.IsArmed, Is.False);
    }

    private PublishOutcome Publish(string exchange, string routingKey) =>
        Publisher.ForBroker(_virtualHost).Publish(new PublishRequest(Message.Create(exchange, routingKey, new Protocol.Content.BasicProperties().Encode(), "m"u8)));

    private Core.Queues.Queue Declare(string name) =>
        _virtualHost.DeclareQueue(new Core.Queues.QueueDefinition(name, "/", false, false, false, FieldTable.Empty), TestData.Connection(), passive: false);
}
