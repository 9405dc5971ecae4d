using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Tests.TestSupport;

namespace AmqpBroker.Core.Tests.Queues;

/// <summary>
/// Which <c>x-queue-type</c> a declaration without one runs with (rabbit_amqqueue:augment_declare_args): the vhost's
/// default when the queue's properties suit it; otherwise classic from 4.0 and nothing before (3.10.8 checked).
/// </summary>
[TestFixture]
public sealed class DefaultQueueTypeTests
{
    private static readonly QueueTypeRegistry Types = QueueTypeRegistry.CreateBuiltIn(VersionProfile.Default);

    [TestCase("quorum", true, false, false, false, true, "quorum")]
    [TestCase("quorum", false, false, false, false, true, null)]
    [TestCase("quorum", true, true, false, false, true, null)]
    [TestCase("quorum", true, false, true, false, true, null)]
    [TestCase("quorum", false, false, false, true, true, "classic")]
    [TestCase("stream", true, false, false, true, true, "stream")]
    [TestCase("classic", false, true, true, false, true, "classic")]
    [TestCase(null, true, false, false, false, true, null)]
    [TestCase(null, true, false, false, true, true, "classic")]
    [TestCase("classic", false, false, false, true, false, "classic")]
    public void The_vhost_default_applies_where_it_suits(string? vhostDefault, bool durable, bool exclusive, bool autoDelete, bool recordFallback, bool transientPermitted, string? expected)
    {
        var definition = TestData.QueueDefinition("q", durable, exclusive, autoDelete);

        var declared = Types.WithDefaultType(definition, vhostDefault, recordFallback, transientPermitted);

        Assert.That(declared.Arguments.GetValueOrDefault(QueueTypeRegistry.QueueTypeArgument), Is.EqualTo(expected));
    }

    [Test]
    public void While_transient_queues_are_denied_no_default_suits_one()
    {
        // 4.3: the default is not permitted for a transient non-exclusive queue, so classic is recorded (and then denied).
        var declared = Types.WithDefaultType(TestData.QueueDefinition("q"), "classic", recordFallback: true, transientPermitted: false);

        Assert.That(declared.Arguments[QueueTypeRegistry.QueueTypeArgument], Is.EqualTo("classic"));
    }

    [Test]
    public void A_declared_type_is_left_as_it_is()
    {
        var definition = TestData.QueueDefinition("q", durable: true, arguments: new Dictionary<string, object?> { ["x-queue-type"] = "classic", ["x-max-length"] = 3 });

        Assert.That(Types.WithDefaultType(definition, "quorum", recordFallback: true, transientPermitted: true), Is.SameAs(definition));
    }
}

/// <summary>
/// RabbitMQ 4.0's node-wide <c>default_queue_type</c> (rabbit.schema and rabbit_amqqueue:augment_declare_args at
/// v4.0.1): the type of a queue declared without one in a vhost without a default; the vhost's default wins, a
/// queue the type does not allow gets classic, and releases before 4.0 have no such setting.
/// </summary>
[TestFixture]
public sealed class NodeDefaultQueueTypeTests
{
    [TestCase("4.2", true, "quorum")]
    [TestCase("4.2", false, "classic")]
    [TestCase("3.13", true, null)]
    public void A_queue_declared_without_a_type_gets_the_node_default_where_it_suits(string release, bool durable, string? expected)
    {
        using var broker = Broker(release, "quorum");

        var queue = Declare(broker.FindVirtualHost("/")!, durable);

        Assert.That(queue.Definition.Arguments.GetValueOrDefault(QueueTypeRegistry.QueueTypeArgument), Is.EqualTo(expected));
    }

    [Test]
    public void The_vhost_default_wins_over_the_node_default()
    {
        using var broker = Broker("4.2", "quorum");
        var virtualHost = broker.AddVirtualHost("streams", new AmqpBroker.Core.VirtualHosts.VirtualHostMetadata("stream"));

        var queue = Declare(virtualHost, durable: true);

        Assert.That(queue.Definition.Arguments[QueueTypeRegistry.QueueTypeArgument], Is.EqualTo("stream"));
    }

    [Test]
    public void An_unknown_node_default_is_refused_at_start()
    {
        var settings = new BrokerSettings { Profile = VersionProfile.For(RabbitMqRelease.Parse("4.2")), DefaultQueueType = "lazy" };

        Assert.That(() => new Broker(settings, TimeProvider.System), Throws.ArgumentException.With.Message.Contains("not 'lazy'"));
    }

    private static Broker Broker(string release, string nodeDefault) =>
        new(new BrokerSettings { Profile = VersionProfile.For(RabbitMqRelease.Parse(release)), DefaultQueueType = nodeDefault }, TimeProvider.System);

    private static AmqpBroker.Core.Queues.Queue Declare(AmqpBroker.Core.VirtualHosts.VirtualHost virtualHost, bool durable) =>
        virtualHost.DeclareQueue(TestData.QueueDefinition($"q-{Guid.NewGuid():N}", durable), TestData.Connection(virtualHost: virtualHost.Name), passive: false);
}
