using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Tests.Queues.Classic;

/// <summary>
/// The classic type's own rules, as RabbitMQ 3.10.8 answered them here: arguments of the quorum and stream
/// types are refused naming rabbit_classic_queue (x-delivery-limit among them: only quorum queues have it),
/// consumer arguments of the other types too, unknown arguments are ignored, and a redeclaration compares
/// only the classic arguments.
/// </summary>
[TestFixture]
public sealed class ClassicQueueTypeTests : BrokerFixture
{
    private protected override VersionProfile Profile => VersionProfile.For(new RabbitMqRelease(3, 10));

    [TestCase("x-delivery-limit", 2)]
    [TestCase("x-dead-letter-strategy", "at-most-once")]
    [TestCase("x-max-age", "1h")]
    [TestCase("x-quorum-initial-group-size", 1)]
    [TestCase("x-stream-max-segment-size-bytes", 1000)]
    [TestCase("x-queue-leader-locator", "balanced")]
    [TestCase("x-initial-cluster-size", 1)]
    [TestCase("x-max-in-memory-length", 5)]
    public void Arguments_of_other_queue_types_are_refused_naming_the_classic_type(string argument, object value)
    {
        var ex = Assert.Throws<AmqpException>(() => Declare("q", (argument, value)));

        Assert.That(ex.ReplyText, Is.EqualTo($"PRECONDITION_FAILED - invalid arg '{argument}' for queue 'q' in vhost '/' of queue type rabbit_classic_queue"));
    }

    [Test]
    public void A_value_validator_runs_before_the_check_for_other_types_arguments()
    {
        var ex = Assert.Throws<AmqpException>(() => Declare("q", ("x-delivery-limit", 2), ("x-message-ttl", -1)));

        Assert.That(ex.ReplyText, Is.EqualTo("PRECONDITION_FAILED - invalid arg 'x-message-ttl' for queue 'q' in vhost '/': {value_negative,-1}"));
    }

    [Test]
    public void Arguments_no_type_knows_are_ignored()
    {
        var queue = Declare("q", ("x-foo", 1), ("x-queue-version", 2));

        Assert.That(queue.TypeName, Is.EqualTo("classic"));
    }

    [TestCase(3, "\"unsupported queue version '3'\"")]
    [TestCase("2", "\"expected integer, got longstr\"")]
    public void The_queue_version_is_1_or_2(object version, string error)
    {
        var ex = Assert.Throws<AmqpException>(() => Declare("q", ("x-queue-version", version)));

        Assert.That(ex.ReplyText, Is.EqualTo($"PRECONDITION_FAILED - invalid arg 'x-queue-version' for queue 'q' in vhost '/': {error}"));
    }

    [Test]
    public void A_redeclaration_compares_only_classic_arguments()
    {
        Declare("q");

        Assert.DoesNotThrow(() => Declare("q", ("x-delivery-limit", 2)), "RabbitMQ 3.10.8 accepted this redeclaration");
        var ex = Assert.Throws<AmqpException>(() => Declare("q", ("x-message-ttl", 5)));
        Assert.That(ex.ReplyText, Does.StartWith("PRECONDITION_FAILED - inequivalent arg 'x-message-ttl' for queue 'q' in vhost '/'"));
    }

    [TestCase("x-stream-offset", "first")]
    public void A_consumer_argument_of_another_type_is_refused(string argument, object value)
    {
        var queue = Declare("q");
        var (session, _) = OpenSession();

        var ex = Assert.Throws<AmqpException>(() => session.Consume(queue, "", noAck: false, exclusive: false, new Dictionary<string, object?> { [argument] = value }));

        Assert.That(ex.ReplyText, Is.EqualTo($"PRECONDITION_FAILED - invalid arg '{argument}' for queue 'q' in vhost '/' of queue type rabbit_classic_queue"));
    }

    [Test]
    public void A_consumer_argument_of_the_wrong_type_gets_the_validators_text()
    {
        var queue = Declare("q");
        var (session, _) = OpenSession();

        var ex = Assert.Throws<AmqpException>(() => session.Consume(queue, "", noAck: false, exclusive: false, new Dictionary<string, object?> { ["x-cancel-on-ha-failover"] = "a" }));

        Assert.That(ex.ReplyText, Is.EqualTo("PRECONDITION_FAILED - invalid arg 'x-cancel-on-ha-failover' for queue 'q' in vhost '/': {unacceptable_type,longstr}"));
    }

    [Test]
    public void Redelivered_messages_carry_no_delivery_count_header()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        queue.EnqueueAll("m");
        var (session, target) = OpenSession();
        session.Get(queue, noAck: false);
        session.Reject(target.Gets[^1].DeliveryTag, multiple: false, requeue: true);

        session.Get(queue, noAck: false);

        Assert.That(target.Gets[^1].Redelivered, Is.True);
        Assert.That(BasicProperties.Decode(target.Gets[^1].Message.Properties).Headers, Is.Null);
    }

    private Core.Queues.Queue Declare(string name, params (string Key, object? Value)[] arguments) =>
        VirtualHost.DeclareQueue(TestData.QueueDefinition(name, arguments: arguments.ToDictionary(a => a.Key, a => a.Value)), Connection, passive: false);
}
