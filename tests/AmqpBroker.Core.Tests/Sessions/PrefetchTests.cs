using AmqpBroker.Core.Tests.TestSupport;

namespace AmqpBroker.Core.Tests.Sessions;

/// <summary>basic.qos through the core API: consumer prefetch, the channel's shared prefetch, and both at once.</summary>
[TestFixture]
public sealed class PrefetchTests : BrokerFixture
{
    [Test]
    public void Consumer_prefetch_limits_each_consumer_and_an_ack_frees_credit()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session, target) = OpenSession();
        session.SetPrefetch(2, global: false);
        Consume(session, queue, "c");

        queue.EnqueueAll("m1", "m2", "m3", "m4", "m5");
        Assert.That(target.Bodies, Is.EqualTo(new[] { "m1", "m2" }));
        Assert.That(queue.ReadyCount, Is.EqualTo(3));

        session.Ack(1, multiple: false);
        Assert.That(target.Bodies, Is.EqualTo(new[] { "m1", "m2", "m3" }));

        session.Ack(3, multiple: false);
        Assert.That(target.Bodies, Is.EqualTo(new[] { "m1", "m2", "m3", "m4" }));
        Assert.That(queue.ReadyCount, Is.EqualTo(1));
        Assert.That(session.UnackedCount, Is.EqualTo(2));
    }

    [Test]
    public void Consumer_prefetch_is_per_consumer_not_shared()
    {
        var queue1 = VirtualHost.DeclareQueue(Connection, "q1");
        var queue2 = VirtualHost.DeclareQueue(Connection, "q2");
        var (session, target) = OpenSession();
        session.SetPrefetch(1, global: false);
        Consume(session, queue1, "c1");
        Consume(session, queue2, "c2");

        queue1.EnqueueAll("a1", "a2");
        queue2.EnqueueAll("b1", "b2");

        Assert.That(target.BodiesFor("c1"), Is.EqualTo(new[] { "a1" }));
        Assert.That(target.BodiesFor("c2"), Is.EqualTo(new[] { "b1" }));
    }

    [Test]
    public void Consumer_prefetch_does_not_limit_no_ack_consumers()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session, target) = OpenSession();
        session.SetPrefetch(1, global: false);
        Consume(session, queue, "c", noAck: true);

        queue.EnqueueAll("m1", "m2", "m3");

        Assert.That(target.Bodies, Is.EqualTo(new[] { "m1", "m2", "m3" }));
        Assert.That(session.UnackedCount, Is.Zero);
        Assert.That(queue.UnackedCount, Is.Zero);
    }

    [Test]
    public void Channel_prefetch_is_shared_by_all_consumers_of_the_channel()
    {
        var queue1 = VirtualHost.DeclareQueue(Connection, "q1");
        var queue2 = VirtualHost.DeclareQueue(Connection, "q2");
        var (session, target) = OpenSession();
        session.SetPrefetch(3, global: true);
        Consume(session, queue1, "c1");
        Consume(session, queue2, "c2");

        queue1.EnqueueAll("a1", "a2");
        queue2.EnqueueAll("b1", "b2");

        Assert.That(target.Bodies, Is.EqualTo(new[] { "a1", "a2", "b1" }));
        Assert.That(session.UnackedCount, Is.EqualTo(3));
    }

    [Test]
    public void Channel_prefetch_freed_by_an_ack_on_one_queue_lets_another_queue_deliver()
    {
        // RabbitMQ 3.10 (checked): qos(1, global) with consumers on q1 and q2; a message on each; the ack of
        // q1's delivery lets q2's waiting message through at once.
        var queue1 = VirtualHost.DeclareQueue(Connection, "q1");
        var queue2 = VirtualHost.DeclareQueue(Connection, "q2");
        var (session, target) = OpenSession();
        session.SetPrefetch(1, global: true);
        Consume(session, queue1, "c1");
        Consume(session, queue2, "c2");
        queue1.EnqueueAll("a1");
        queue2.EnqueueAll("b1");
        Assert.That(target.Bodies, Is.EqualTo(new[] { "a1" }));

        session.Ack(1, multiple: false);

        Assert.That(target.Bodies, Is.EqualTo(new[] { "a1", "b1" }));
    }

    [Test]
    public void Channel_and_consumer_prefetch_both_apply()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session, target) = OpenSession();
        session.SetPrefetch(1, global: false);
        session.SetPrefetch(3, global: true);
        Consume(session, queue, "c1");
        Consume(session, queue, "c2");

        queue.EnqueueAll("m1", "m2", "m3", "m4");

        Assert.That(target.Deliveries.Select(d => (d.ConsumerTag, d.Body)), Is.EqualTo(new[] { ("c1", "m1"), ("c2", "m2") }));
    }

    [Test]
    public void Raising_the_prefetch_delivers_waiting_messages()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session, target) = OpenSession();
        session.SetPrefetch(1, global: true);
        Consume(session, queue, "c");
        queue.EnqueueAll("m1", "m2", "m3");
        Assert.That(target.Bodies, Has.Count.EqualTo(1));

        session.SetPrefetch(0, global: true);

        Assert.That(target.Bodies, Is.EqualTo(new[] { "m1", "m2", "m3" }));
    }
}
