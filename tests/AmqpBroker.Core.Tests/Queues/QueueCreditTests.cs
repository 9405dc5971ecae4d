using AmqpBroker.Core.Publishing;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Sessions;
using AmqpBroker.Core.Tests.TestSupport;

namespace AmqpBroker.Core.Tests.Queues;

/// <summary>
/// Publisher flow control into a queue (<see cref="QueueCredit"/>): a backlog above the credit makes the queue
/// behind and the publish pipeline says so; the credit follows the consumers' throughput on the broker's clock;
/// a fast consumer and a queue without consumers never throttle; whatever ends the wait releases publishers.
/// </summary>
[TestFixture]
public sealed class QueueCreditTests : TimedBrokerFixture
{
    [Test]
    public void A_backlog_above_the_credit_puts_the_queue_behind_until_it_is_back_to_half()
    {
        var queue = Declare("credit-slow");
        var (session, target) = OpenSession();
        Consume(session, queue, "slow");
        target.CanAcceptDeliveries = false;

        Assert.That(PublishMany(queue, QueueCredit.MinimumCredit), Is.Null, "up to the credit the publisher runs");
        var caughtUp = PublishMany(queue, 1);

        Assert.That(caughtUp, Is.Not.Null, "one more and the queue is behind");
        Assert.That(caughtUp!.IsCompleted, Is.False);
        Assert.That(queue.Credit!.IsBehind, Is.True);

        var (getter, _) = OpenSession();
        TakeUntilReady(getter, queue, (QueueCredit.MinimumCredit / 2) + 1);
        Assert.That(caughtUp.IsCompleted, Is.False, "still above half the credit");
        Assert.That(getter.Get(queue, noAck: true), Is.True);
        Assert.That(caughtUp.IsCompleted, Is.True, "back to half the credit");
        Assert.That(queue.Credit.IsBehind, Is.False);
    }

    [Test]
    public void The_credit_is_what_the_consumers_took_in_the_last_window()
    {
        var queue = Declare("credit-window");
        var (session, target) = OpenSession();
        Consume(session, queue, "c", noAck: true);
        PublishMany(queue, 10_000);
        Advance(QueueCredit.WindowMs);
        target.CanAcceptDeliveries = false;

        Assert.That(PublishMany(queue, 10_000), Is.Null, "10,000 were taken in the window: a backlog as large is allowed");
        Assert.That(queue.Credit!.Credit, Is.EqualTo(10_000));
        Assert.That(PublishMany(queue, 1), Is.Not.Null);

        // A window in which the consumer took nothing brings the credit back to the minimum.
        Advance(QueueCredit.WindowMs * 2);
        PublishMany(queue, 1);
        Assert.That(queue.Credit.Credit, Is.EqualTo(QueueCredit.MinimumCredit));
    }

    [Test]
    public void A_consumer_that_keeps_up_is_never_throttled()
    {
        var queue = Declare("credit-fast");
        var (session, target) = OpenSession();
        Consume(session, queue, "fast", noAck: true);

        Assert.That(PublishMany(queue, 50 * QueueCredit.MinimumCredit), Is.Null);
        Assert.That(target.Deliveries, Has.Count.EqualTo(50 * QueueCredit.MinimumCredit));
        Assert.That(queue.ReadyCount, Is.Zero);
    }

    [Test]
    public void A_queue_without_consumers_is_a_buffer_and_never_behind()
    {
        var queue = Declare("credit-buffer");

        Assert.That(PublishMany(queue, 3 * QueueCredit.MinimumCredit), Is.Null);
        Assert.That(queue.ReadyCount, Is.EqualTo(3 * QueueCredit.MinimumCredit));
    }

    [Test]
    public void The_last_consumer_going_releases_the_publishers()
    {
        var (_, session, caughtUp) = QueueBehind("credit-cancel");

        session.Cancel("slow");

        Assert.That(caughtUp.IsCompleted, Is.True);
    }

    [Test]
    public void A_purge_releases_the_publishers()
    {
        var (queue, _, caughtUp) = QueueBehind("credit-purge");

        queue.Purge();

        Assert.That(caughtUp.IsCompleted, Is.True);
    }

    [Test]
    public void Deleting_the_queue_releases_the_publishers()
    {
        var (queue, _, caughtUp) = QueueBehind("credit-delete");

        VirtualHost.DeleteQueue(queue.Name, ifUnused: false, ifEmpty: false, Connection);

        Assert.That(caughtUp.IsCompleted, Is.True);
    }

    /// <summary>A queue whose only consumer takes nothing, published to until it is behind.</summary>
    private (Queue Queue, Session Session, Task CaughtUp) QueueBehind(string name)
    {
        var queue = Declare(name);
        var (session, target) = OpenSession();
        Consume(session, queue, "slow");
        target.CanAcceptDeliveries = false;
        var caughtUp = PublishMany(queue, QueueCredit.MinimumCredit + 1);
        Assert.That(caughtUp is { IsCompleted: false }, Is.True, "the queue is behind");
        return (queue, session, caughtUp!);
    }

    /// <summary>Publishes through the pipeline; returns the last flow wait the outcomes asked for, if any.</summary>
    private Task? PublishMany(Queue queue, int count)
    {
        var publisher = Publisher.ForBroker(VirtualHost);
        Task? caughtUp = null;
        for (var i = 0; i < count; i++)
        {
            caughtUp = publisher.Publish(new PublishRequest(Message("m", routingKey: queue.Name), Mandatory: false, DirectReplyAddress: null)).QueueCaughtUp ?? caughtUp;
        }

        return caughtUp;
    }

    private static void TakeUntilReady(Session session, Queue queue, int ready)
    {
        while (queue.ReadyCount > ready)
        {
            session.Get(queue, noAck: true);
        }
    }
}
