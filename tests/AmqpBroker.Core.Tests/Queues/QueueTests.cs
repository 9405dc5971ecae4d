using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Core.Tests.Queues;

[TestFixture]
public sealed class QueueTests : BrokerFixture
{
    [Test]
    public void Messages_waiting_in_the_queue_are_delivered_in_publish_order()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        queue.EnqueueAll("m1", "m2", "m3", "m4");
        var (session, target) = OpenSession();

        Consume(session, queue, "c");

        Assert.That(target.Bodies, Is.EqualTo(new[] { "m1", "m2", "m3", "m4" }));
        Assert.That(target.Deliveries.Select(d => d.DeliveryTag), Is.EqualTo(new ulong[] { 1, 2, 3, 4 }));
        Assert.That(target.Deliveries.Any(d => d.Redelivered), Is.False);
    }

    [Test]
    public void Messages_published_while_a_consumer_waits_are_delivered_at_once_in_order()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session, target) = OpenSession();
        Consume(session, queue, "c");

        queue.EnqueueAll("m1", "m2", "m3");

        Assert.That(target.Bodies, Is.EqualTo(new[] { "m1", "m2", "m3" }));
        Assert.That(queue.ReadyCount, Is.Zero);
        Assert.That(queue.UnackedCount, Is.EqualTo(3));
    }

    [Test]
    public void Basic_get_takes_messages_in_order_and_reports_how_many_remain()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        queue.EnqueueAll("m1", "m2", "m3");
        var (session, target) = OpenSession();

        Assert.That(session.Get(queue, noAck: false), Is.True);
        Assert.That(session.Get(queue, noAck: true), Is.True);
        Assert.That(session.Get(queue, noAck: false), Is.True);
        Assert.That(session.Get(queue, noAck: false), Is.False, "get-empty");

        Assert.That(target.Gets.Select(g => (g.Body, g.MessageCount)), Is.EqualTo(new[] { ("m1", 2u), ("m2", 1u), ("m3", 0u) }));
        Assert.That(target.Gets.Select(g => g.DeliveryTag), Is.EqualTo(new ulong[] { 1, 2, 3 }));
        Assert.That(session.UnackedCount, Is.EqualTo(2), "the no-ack get is not tracked");
    }

    [Test]
    public void Two_consumers_receive_messages_round_robin()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session1, target1) = OpenSession();
        var (session2, target2) = OpenSession();
        Consume(session1, queue, "c1");
        Consume(session2, queue, "c2");

        queue.EnqueueAll("m1", "m2", "m3", "m4", "m5", "m6");

        Assert.That(target1.Bodies, Is.EqualTo(new[] { "m1", "m3", "m5" }));
        Assert.That(target2.Bodies, Is.EqualTo(new[] { "m2", "m4", "m6" }));
    }

    [Test]
    public void Round_robin_also_applies_to_a_backlog_drained_by_a_new_consumer_pair_on_one_channel()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session, target) = OpenSession();
        session.SetPrefetch(1, global: false);
        Consume(session, queue, "c1");
        Consume(session, queue, "c2");

        queue.EnqueueAll("m1", "m2", "m3", "m4");
        Assert.That(target.Deliveries.Select(d => (d.ConsumerTag, d.Body)), Is.EqualTo(new[] { ("c1", "m1"), ("c2", "m2") }));

        session.Ack(0, multiple: true);

        Assert.That(target.Deliveries.Select(d => (d.ConsumerTag, d.Body)), Is.EqualTo(new[] { ("c1", "m1"), ("c2", "m2"), ("c1", "m3"), ("c2", "m4") }));
    }

    [Test]
    public void A_consumer_that_is_not_yet_activated_receives_nothing()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        queue.EnqueueAll("m1");
        var (session, target) = OpenSession();

        var consumer = session.Consume(queue, "c", noAck: false, exclusive: false, Protocol.Encoding.FieldTable.Empty);
        queue.EnqueueAll("m2");
        Assert.That(target.Deliveries, Is.Empty, "nothing may overtake basic.consume-ok");

        Core.Sessions.Session.Activate(consumer);
        Assert.That(target.Bodies, Is.EqualTo(new[] { "m1", "m2" }));
    }

    [Test]
    public void A_target_that_cannot_accept_deliveries_holds_them_back_until_resumed()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session, target) = OpenSession();
        Consume(session, queue, "c");
        target.CanAcceptDeliveries = false;

        queue.EnqueueAll("m1", "m2");
        Assert.That(target.Deliveries, Is.Empty);
        Assert.That(queue.ReadyCount, Is.EqualTo(2));

        target.CanAcceptDeliveries = true;
        session.ResumeDeliveries();
        Assert.That(target.Bodies, Is.EqualTo(new[] { "m1", "m2" }));
    }

    [Test]
    public void Purge_drops_the_ready_messages_and_returns_their_count_but_keeps_unacked_ones()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session, _) = OpenSession();
        queue.EnqueueAll("m1", "m2", "m3");
        Assert.That(session.Get(queue, noAck: false), Is.True);

        Assert.That(queue.Purge(), Is.EqualTo(2u));
        Assert.That(queue.ReadyCount, Is.Zero);
        Assert.That(queue.UnackedCount, Is.EqualTo(1));

        session.Reject(1, multiple: false, requeue: true);
        Assert.That(queue.ReadyCount, Is.EqualTo(1), "the unacked message survives the purge");
    }

    [Test]
    public void Deleting_a_queue_cancels_its_consumers_and_returns_the_ready_count()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session1, target1) = OpenSession();
        var (session2, target2) = OpenSession();
        session1.SetPrefetch(1, global: false);
        Consume(session1, queue, "c1");
        Consume(session2, queue, "c2", noAck: true);
        target2.CanAcceptDeliveries = false;
        queue.EnqueueAll("m1", "m2", "m3");
        Assert.That(target1.Bodies, Is.EqualTo(new[] { "m1" }));

        var count = VirtualHost.DeleteQueue("q", ifUnused: false, ifEmpty: false, Connection);

        Assert.That(count, Is.EqualTo(2u), "ready messages only, not the unacked one");
        Assert.That(target1.Cancels, Is.EqualTo(new[] { "c1" }));
        Assert.That(target2.Cancels, Is.EqualTo(new[] { "c2" }));
        Assert.That(session1.ConsumerCount, Is.Zero);
        Assert.That(session2.ConsumerCount, Is.Zero);
        Assert.That(VirtualHost.FindQueue("q"), Is.Null);
        Assert.That(queue.IsDeleted, Is.True);
    }

    [Test]
    public void An_auto_delete_queue_goes_away_when_its_last_consumer_cancels()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q", autoDelete: true);
        var (session, _) = OpenSession();
        Consume(session, queue, "c1");
        Consume(session, queue, "c2");

        Assert.That(session.Cancel("c1"), Is.True);
        Assert.That(VirtualHost.FindQueue("q"), Is.SameAs(queue), "one consumer is left");

        Assert.That(session.Cancel("c2"), Is.True);
        Assert.That(VirtualHost.FindQueue("q"), Is.Null);
        Assert.That(queue.IsDeleted, Is.True);
    }

    [Test]
    public void An_auto_delete_queue_goes_away_when_the_channel_of_its_last_consumer_closes()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q", autoDelete: true);
        var (session, _) = OpenSession();
        Consume(session, queue, "c1");
        queue.EnqueueAll("m1");

        session.Close();

        Assert.That(VirtualHost.FindQueue("q"), Is.Null);
    }

    [Test]
    public void An_auto_delete_queue_that_never_had_a_consumer_stays()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q", autoDelete: true);
        var (session, _) = OpenSession();

        Assert.That(session.Cancel("no-such-tag"), Is.False);
        session.Close();

        Assert.That(VirtualHost.FindQueue("q"), Is.SameAs(queue));
    }

    [Test]
    public void An_exclusive_consumer_is_refused_when_the_queue_already_has_consumers()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session, _) = OpenSession();
        Consume(session, queue, "c1");

        var ex = Assert.Throws<AmqpException>(() => Consume(session, queue, "c2", exclusive: true));

        Assert.That(ex.Code, Is.EqualTo(ReplyCode.AccessRefused));
        Assert.That(ex.IsConnectionError, Is.False);
        Assert.That(ex.Message, Is.EqualTo("queue 'q' in vhost '/' in exclusive use"));
        Assert.That(session.ConsumerCount, Is.EqualTo(1), "the refused consumer is not kept");
    }

    [Test]
    public void No_consumer_may_join_an_exclusive_consumer()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session1, _) = OpenSession();
        var (session2, _) = OpenSession();
        Consume(session1, queue, "c1", exclusive: true);

        var ex = Assert.Throws<AmqpException>(() => Consume(session2, queue, "c2"));

        Assert.That(ex.Code, Is.EqualTo(ReplyCode.AccessRefused));
        Assert.That(session2.ConsumerCount, Is.Zero);
        Assert.That(queue.ConsumerCount, Is.EqualTo(1));
    }

    [Test]
    public void An_exclusive_queue_is_locked_to_other_connections()
    {
        VirtualHost.DeclareQueue(Connection, "q", exclusive: true);
        var other = TestData.Connection("127.0.0.1:50001 -> 127.0.0.1:5672");

        var get = Assert.Throws<AmqpException>(() => VirtualHost.GetQueue("q", other));
        var declare = Assert.Throws<AmqpException>(() => VirtualHost.DeclareQueue(other, "q", exclusive: true));
        var passive = Assert.Throws<AmqpException>(() => VirtualHost.DeclareQueue(TestData.QueueDefinition("q"), other, passive: true));
        var delete = Assert.Throws<AmqpException>(() => VirtualHost.DeleteQueue("q", false, false, other));

        foreach (var ex in new[] { get!, declare!, passive!, delete! })
        {
            Assert.That(ex.Code, Is.EqualTo(ReplyCode.ResourceLocked));
            Assert.That(ex.IsConnectionError, Is.False);
        }

        Assert.That(get!.Message, Is.EqualTo("cannot obtain exclusive access to locked queue 'q' in vhost '/'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration."));
        Assert.That(VirtualHost.GetQueue("q", Connection).Name, Is.EqualTo("q"), "the owner still has access");
    }

    [Test]
    public void An_exclusive_queue_dies_with_its_connection()
    {
        VirtualHost.DeclareQueue(Connection, "q", exclusive: true);
        VirtualHost.DeclareQueue(Connection, "shared");

        VirtualHost.OnConnectionClosed(Connection);

        Assert.That(VirtualHost.FindQueue("q"), Is.Null);
        Assert.That(VirtualHost.FindQueue("shared"), Is.Not.Null);
    }
}
