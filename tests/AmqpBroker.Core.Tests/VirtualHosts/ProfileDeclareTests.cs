using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Core.Tests.VirtualHosts;

/// <summary>queue.declare where the release decides: the recorded queue type and the vhost default, and 4.3's transient queues.</summary>
[TestFixture]
public sealed class ProfileDeclareTests
{
    [TestCase("3.10", null)]
    [TestCase("3.13", null)]
    [TestCase("4.0", "classic")]
    [TestCase("4.3", "classic")]
    public void A_queue_without_a_type_records_classic_from_4_0(string release, string? recorded)
    {
        var virtualHost = new VirtualHost("/", TestData.Services(release));

        var queue = virtualHost.DeclareQueue(TestData.QueueDefinition("q", durable: true), TestData.Connection(), passive: false);

        Assert.That(queue.Definition.Arguments.GetValueOrDefault(QueueTypeRegistry.QueueTypeArgument), Is.EqualTo(recorded));
        Assert.DoesNotThrow(() => virtualHost.DeclareQueue(TestData.QueueDefinition("q", durable: true), TestData.Connection(), passive: false));
        Assert.DoesNotThrow(() => virtualHost.DeclareQueue(
            TestData.QueueDefinition("q", durable: true, arguments: new Dictionary<string, object?> { ["x-queue-type"] = "classic" }), TestData.Connection(), passive: false));
    }

    [Test]
    public void The_vhost_default_is_recorded_and_a_redeclare_naming_another_type_is_inequivalent()
    {
        var virtualHost = new VirtualHost("vh", TestData.Services("3.10")) { Metadata = new VirtualHostMetadata("classic") };
        var connection = TestData.Connection(virtualHost: "vh");

        var queue = virtualHost.DeclareQueue(TestData.QueueDefinition("q", durable: true, virtualHost: "vh"), connection, passive: false);
        var ex = Assert.Throws<AmqpException>(() => virtualHost.DeclareQueue(
            TestData.QueueDefinition("q", durable: true, virtualHost: "vh", arguments: new Dictionary<string, object?> { ["x-queue-type"] = "stream" }), connection, passive: false));

        Assert.That(queue.Definition.Arguments["x-queue-type"], Is.EqualTo("classic"));
        Assert.That(ex.Message, Is.EqualTo("inequivalent arg 'x-queue-type' for queue 'q' in vhost 'vh': received 'stream' but current is 'classic'"));
    }

    [TestCase("3.10")]
    [TestCase("4.2")]
    public void A_quorum_vhost_default_gives_a_durable_declaration_without_a_type_a_quorum_queue(string release)
    {
        var virtualHost = new VirtualHost("vh", TestData.Services(release)) { Metadata = new VirtualHostMetadata("quorum") };
        var connection = TestData.Connection(virtualHost: "vh");

        var queue = virtualHost.DeclareQueue(TestData.QueueDefinition("q", durable: true, virtualHost: "vh"), connection, passive: false);
        var again = virtualHost.DeclareQueue(TestData.QueueDefinition("q", durable: true, virtualHost: "vh"), connection, passive: false);
        var serverNamed = Assert.Throws<AmqpException>(() => virtualHost.DeclareQueue(
            TestData.QueueDefinition("amq.gen-1", durable: true, virtualHost: "vh"), connection, passive: false, serverNamed: true));

        Assert.That(queue.TypeName, Is.EqualTo("quorum"));
        Assert.That(queue.Definition.Arguments["x-queue-type"], Is.EqualTo("quorum"));
        Assert.That(again, Is.SameAs(queue));
        Assert.That(serverNamed.Message, Is.EqualTo("Cannot declare a server-named queue for type rabbit_quorum_queue"));
    }

    [Test]
    public void A_vhost_default_of_stream_applies_only_where_a_stream_is_allowed()
    {
        var virtualHost = new VirtualHost("vh", TestData.Services("4.2")) { Metadata = new VirtualHostMetadata("stream") };
        var connection = TestData.Connection(virtualHost: "vh");

        var transient = virtualHost.DeclareQueue(TestData.QueueDefinition("transient", virtualHost: "vh"), connection, passive: false);
        var durable = virtualHost.DeclareQueue(TestData.QueueDefinition("durable", durable: true, virtualHost: "vh"), connection, passive: false);

        Assert.That(transient.Definition.Arguments["x-queue-type"], Is.EqualTo("classic"), "a transient queue does not suit a stream");
        Assert.That(durable.TypeName, Is.EqualTo("stream"));
    }

    [TestCase("4.2", null, false)]
    [TestCase("4.2", false, true)]
    [TestCase("4.3", null, true)]
    [TestCase("4.3", true, false)]
    public void A_transient_non_exclusive_queue_is_refused_with_541_while_denied(string release, bool? permit, bool refused)
    {
        var services = TestData.Services(release);
        var settings = services.Settings with { DeprecatedFeatures = new DeprecatedFeatures { PermitTransientNonExclusiveQueues = permit } };
        var virtualHost = new VirtualHost("/", new BrokerServices { Settings = settings, ExchangeTypes = services.ExchangeTypes, QueueTypes = services.QueueTypes });

        AmqpException? error = null;
        try
        {
            virtualHost.DeclareQueue(TestData.QueueDefinition("transient"), TestData.Connection(), passive: false);
        }
        catch (AmqpException ex)
        {
            error = ex;
        }

        Assert.That(error?.Code, Is.EqualTo(refused ? ReplyCode.InternalError : (ReplyCode?)null));
        Assert.That(error?.ReplyText, refused ? Does.StartWith("INTERNAL_ERROR - Feature `transient_nonexcl_queues` is deprecated.\n").And.Length.EqualTo(255) : Is.Null);
        Assert.That(virtualHost.FindQueue("transient"), refused ? Is.Null : Is.Not.Null);
        Assert.DoesNotThrow(() => virtualHost.DeclareQueue(TestData.QueueDefinition("mine", exclusive: true), TestData.Connection(), passive: false));
        Assert.DoesNotThrow(() => virtualHost.DeclareQueue(TestData.QueueDefinition("kept", durable: true), TestData.Connection(), passive: false));
    }
}
