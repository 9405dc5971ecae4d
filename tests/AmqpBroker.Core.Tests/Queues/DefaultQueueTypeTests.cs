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
