using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Scheduling;
using AmqpBroker.Core.Tests.TestSupport;

namespace AmqpBroker.Core.Tests.Queues;

/// <summary>
/// x-expires through the core API on a fake clock: an unused queue is deleted by its timer, and consumers,
/// basic.get and (passive) redeclares count as use.
/// </summary>
[TestFixture]
public sealed class QueueUsageTests : TimedBrokerFixture
{
    [Test]
    public void An_unused_queue_is_deleted_by_its_timer_once_x_expires_has_passed()
    {
        var queue = Declare("q", ("x-expires", 1000));
        Publish(queue, "m");

        Advance(999);
        Assert.That(VirtualHost.FindQueue("q"), Is.SameAs(queue));

        Advance(1);
        Assert.That(VirtualHost.FindQueue("q"), Is.Null);
        Assert.That(queue.IsDeleted, Is.True);
    }

    [Test]
    public void A_consumer_keeps_the_queue_and_its_cancel_restarts_the_clock()
    {
        var queue = Declare("q", ("x-expires", 1000));
        var (session, _) = OpenSession();
        Consume(session, queue, "c");

        Advance(5000);
        Assert.That(VirtualHost.FindQueue("q"), Is.SameAs(queue));

        session.Cancel("c");
        Advance(999);
        Assert.That(VirtualHost.FindQueue("q"), Is.SameAs(queue));
        Advance(1);
        Assert.That(VirtualHost.FindQueue("q"), Is.Null);
    }

    [Test]
    public void Basic_get_and_redeclare_renew_the_lease()
    {
        var queue = Declare("q", ("x-expires", 1000));
        var (session, _) = OpenSession();

        Advance(900);
        session.Get(queue, noAck: true);
        Advance(900);
        Declare("q", ("x-expires", 1000));
        Advance(900);
        Assert.That(VirtualHost.FindQueue("q"), Is.SameAs(queue));

        Advance(100);
        Assert.That(VirtualHost.FindQueue("q"), Is.Null);
    }

    [Test]
    public void A_passive_declare_renews_the_lease_as_in_RabbitMQ()
    {
        var queue = Declare("q", ("x-expires", 1000));

        Advance(900);
        VirtualHost.DeclareQueue(TestData.QueueDefinition("q"), Connection, passive: true);
        Advance(900);

        Assert.That(VirtualHost.FindQueue("q"), Is.SameAs(queue));
    }

    // ---- the rule on its own ----

    [Test]
    public void Usage_expires_after_the_limit_and_any_use_restarts_it()
    {
        var time = TestData.Clock();
        var usage = new QueueUsage(new BrokerTimers(time), () => { });

        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.That(usage.IsUnusedFor(1000), Is.False);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(usage.IsUnusedFor(1000), Is.True);

        usage.MarkUsed();
        Assert.That(usage.IsUnusedFor(1000), Is.False);
    }
}
