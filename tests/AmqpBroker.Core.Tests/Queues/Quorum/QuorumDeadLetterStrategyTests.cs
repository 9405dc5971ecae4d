using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Queues.Quorum;
using AmqpBroker.Core.Tests.TestSupport;
using Queue = AmqpBroker.Core.Queues.Queue;

namespace AmqpBroker.Core.Tests.Queues.Quorum;

/// <summary>
/// x-dead-letter-strategy at-least-once on a quorum queue (rabbit_fifo_dlx_worker at v3.10.8): with a dead-letter
/// exchange and x-overflow reject-publish, a message the queue gives up stays in it (as RabbitMQ's messages_dlx,
/// counted against the length limit) until every queue its DLX routes it to took it, retried every 3 minutes;
/// with drop-head it falls back to at-most-once, as RabbitMQ does with a warning.
/// </summary>
[TestFixture]
public sealed class QuorumDeadLetterStrategyTests : TimedBrokerFixture
{
    private protected override VersionProfile Profile => VersionProfile.For(new RabbitMqRelease(3, 10));

    [Test]
    public void A_routable_dead_letter_is_delivered_at_once()
    {
        var deadLetters = Declare("dlq");
        var queue = DeclareAtLeastOnce("q", "reject-publish", "dlq");
        var (session, target) = OpenSession();
        Publish(queue, "m");

        Reject(session, target, queue);

        Assert.That(deadLetters.ReadyCount, Is.EqualTo(1));
        Assert.That(((QuorumQueue)queue).DeadLetterPendingCount, Is.Zero);
    }

    [Test]
    public void An_unroutable_dead_letter_waits_in_the_queue_and_is_retried_every_3_minutes()
    {
        var queue = (QuorumQueue)DeclareAtLeastOnce("q", "reject-publish", "dlq");
        var (session, target) = OpenSession();
        Publish(queue, "m");
        Reject(session, target, queue);
        var pendingBefore = (queue.DeadLetterPendingCount, queue.DeadLetterPendingBytes, queue.ReadyCount);
        var deadLetters = Declare("dlq");

        Advance(PendingDeadLetters.RetryAfter.Ticks / TimeSpan.TicksPerMillisecond - 1);
        var beforeTheRetry = deadLetters.ReadyCount;
        Advance(1);

        Assert.That(pendingBefore, Is.EqualTo((1, 1L, 0)));
        Assert.That(beforeTheRetry, Is.Zero);
        Assert.That(deadLetters.ReadyCount, Is.EqualTo(1));
        Assert.That(queue.DeadLetterPendingCount, Is.Zero);
    }

    [Test]
    public void Pending_dead_letters_count_against_the_length_limit()
    {
        var queue = DeclareAtLeastOnce("q", "reject-publish", "dlq", ("x-max-length", 1));
        var (session, target) = OpenSession();
        Publish(queue, "a");
        Reject(session, target, queue);

        Assert.That(Publish(queue, "b"), Is.True, "1 pending, taking b goes past the limit");
        Assert.That(Publish(queue, "c"), Is.False);
    }

    [Test]
    public void With_drop_head_the_strategy_falls_back_to_at_most_once()
    {
        var queue = (QuorumQueue)DeclareAtLeastOnce("q", "drop-head", "dlq");
        var (session, target) = OpenSession();
        Publish(queue, "m");

        Reject(session, target, queue);

        Assert.That(queue.DeadLetterPendingCount, Is.Zero, "an unroutable dead letter is dropped");
        Assert.That(queue.ReadyCount, Is.Zero);
    }

    private Queue DeclareAtLeastOnce(string name, string overflow, string deadLetterQueue, params (string Key, object? Value)[] more) =>
        QuorumTestData.Declare(
            VirtualHost,
            Connection,
            name,
            [("x-dead-letter-strategy", "at-least-once"), ("x-overflow", overflow), ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", deadLetterQueue), .. more]);

    private static void Reject(Core.Sessions.Session session, RecordingTarget target, Queue queue)
    {
        Assert.That(session.Get(queue, noAck: false), Is.True);
        session.Reject(target.Gets[^1].DeliveryTag, multiple: false, requeue: false);
    }
}
