using AmqpBroker.Core.DeadLettering;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Queues.Quorum;
using AmqpBroker.Core.Statistics;
using AmqpBroker.Core.Tests.Queues.Quorum;
using AmqpBroker.Core.Tests.TestSupport;
using Queue = AmqpBroker.Core.Queues.Queue;

namespace AmqpBroker.Core.Tests.Statistics;

/// <summary>
/// rabbitmq_global_messages_dead_lettered_*: each message a queue gives up counts once, under its queue type,
/// the way it was dead-lettered (no or a missing DLX: disabled; at most once; at least once) and the reason;
/// at-least-once dead letters count as confirmed once every target took them.
/// </summary>
[TestFixture]
public sealed class DeadLetterTotalsTests : TimedBrokerFixture
{
    private const string Classic = "rabbit_classic_queue";
    private const string Quorum = "rabbit_quorum_queue";

    private protected override VersionProfile Profile => VersionProfile.For(new RabbitMqRelease(3, 10));

    private DeadLetterTotals Totals => Services.DeadLetters;

    [Test]
    public void Expired_messages_without_a_dead_letter_exchange_count_as_disabled()
    {
        var queue = Declare("dl-expired", ("x-message-ttl", 10));
        Publish(queue, "a");
        Publish(queue, "b");

        Advance(11);

        Assert.That(Totals.Count(Classic, DeadLetterMode.Disabled, DeadLetterReason.Expired), Is.EqualTo(2));
        Assert.That(Totals.Count(Classic, DeadLetterMode.AtMostOnce, DeadLetterReason.Expired), Is.Zero);
    }

    [Test]
    public void A_rejected_message_with_a_dead_letter_exchange_counts_as_at_most_once_and_a_requeued_one_not_at_all()
    {
        var queue = Declare("dl-rejected", ("x-dead-letter-exchange", "amq.fanout"));
        var (session, target) = OpenSession();
        Publish(queue, "a");
        Assert.That(session.Get(queue, noAck: false), Is.True);
        session.Reject(target.Gets[^1].DeliveryTag, multiple: false, requeue: true);
        var afterRequeue = Totals.Count(Classic, DeadLetterMode.AtMostOnce, DeadLetterReason.Rejected);

        Assert.That(session.Get(queue, noAck: false), Is.True);
        session.Reject(target.Gets[^1].DeliveryTag, multiple: false, requeue: false);

        Assert.That(afterRequeue, Is.Zero);
        Assert.That(Totals.Count(Classic, DeadLetterMode.AtMostOnce, DeadLetterReason.Rejected), Is.EqualTo(1));
    }

    [Test]
    public void A_missing_dead_letter_exchange_counts_as_disabled()
    {
        var queue = Declare("dl-maxlen", ("x-max-length", 1), ("x-dead-letter-exchange", "no-such-exchange"));
        Publish(queue, "a");

        Publish(queue, "b");

        Assert.That(Totals.Count(Classic, DeadLetterMode.Disabled, DeadLetterReason.MaxLength), Is.EqualTo(1));
    }

    [Test]
    public void At_least_once_dead_letters_count_when_handed_over_and_as_confirmed_once_delivered()
    {
        var queue = QuorumTestData.Declare(VirtualHost, Connection, "dl-quorum",
            ("x-dead-letter-strategy", "at-least-once"), ("x-overflow", "reject-publish"), ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", "dl-target"));
        var (session, target) = OpenSession();
        Publish(queue, "a");
        Assert.That(session.Get(queue, noAck: false), Is.True);
        session.Reject(target.Gets[^1].DeliveryTag, multiple: false, requeue: false);
        var beforeTargetExists = (Totals.Count(Quorum, DeadLetterMode.AtLeastOnce, DeadLetterReason.Rejected), Totals.Confirmed);
        Declare("dl-target");

        Advance(PendingDeadLetters.RetryAfter.Ticks / TimeSpan.TicksPerMillisecond);

        Assert.That(beforeTargetExists, Is.EqualTo((1L, 0L)));
        Assert.That((Totals.Count(Quorum, DeadLetterMode.AtLeastOnce, DeadLetterReason.Rejected), Totals.Confirmed), Is.EqualTo((1L, 1L)));
    }
}
