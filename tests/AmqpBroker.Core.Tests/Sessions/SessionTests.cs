using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Core.Tests.Sessions;

[TestFixture]
public sealed class SessionTests : BrokerFixture
{
    [Test]
    public void Closing_a_session_requeues_its_unacked_messages_in_original_order_as_redelivered()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session1, target1) = OpenSession();
        Consume(session1, queue, "c1");
        queue.EnqueueAll("m1", "m2", "m3", "m4");
        session1.Ack(2, multiple: false);
        queue.EnqueueAll("m5");
        Assert.That(target1.Bodies, Is.EqualTo(new[] { "m1", "m2", "m3", "m4", "m5" }));

        session1.Close();
        Assert.That(queue.ReadyCount, Is.EqualTo(4));
        Assert.That(queue.UnackedCount, Is.Zero);
        Assert.That(queue.ConsumerCount, Is.Zero);

        var (session2, target2) = OpenSession();
        Consume(session2, queue, "c2");
        Assert.That(target2.Bodies, Is.EqualTo(new[] { "m1", "m3", "m4", "m5" }));
        Assert.That(target2.Deliveries.All(d => d.Redelivered), Is.True);
    }

    [Test]
    public void Messages_requeued_by_a_closed_session_go_before_newer_ready_messages()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session1, _) = OpenSession();
        session1.SetPrefetch(2, global: false);
        Consume(session1, queue, "c1");
        queue.EnqueueAll("m1", "m2", "m3", "m4");

        session1.Close();

        var (session2, target2) = OpenSession();
        Consume(session2, queue, "c2");
        Assert.That(target2.Deliveries.Select(d => (d.Body, d.Redelivered)), Is.EqualTo(new[] { ("m1", true), ("m2", true), ("m3", false), ("m4", false) }));
    }

    [Test]
    public void Closing_a_session_hands_its_requeued_messages_to_the_remaining_consumers()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session1, _) = OpenSession();
        var (session2, target2) = OpenSession();
        session1.SetPrefetch(10, global: false);
        Consume(session1, queue, "c1");
        queue.EnqueueAll("m1", "m2");
        Consume(session2, queue, "c2");

        session1.Close();

        Assert.That(target2.Deliveries.Select(d => (d.Body, d.Redelivered)), Is.EqualTo(new[] { ("m1", true), ("m2", true) }));
    }

    [Test]
    public void A_closed_session_receives_nothing_more()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session, target) = OpenSession();
        Consume(session, queue, "c");
        session.Close();

        queue.EnqueueAll("m1");

        Assert.That(target.Deliveries, Is.Empty);
        Assert.That(queue.ReadyCount, Is.EqualTo(1));
    }

    [Test]
    public void Reject_with_requeue_puts_the_message_back_in_its_place_as_redelivered()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        queue.EnqueueAll("m1", "m2", "m3");
        var (session, target) = OpenSession();
        Assert.That(session.Get(queue, noAck: false), Is.True);

        session.Reject(1, multiple: false, requeue: true);

        Assert.That(queue.ReadyCount, Is.EqualTo(3));
        Assert.That(session.Get(queue, noAck: false), Is.True);
        var get = target.Gets[^1];
        Assert.That((get.DeliveryTag, get.Redelivered, get.MessageCount, get.Body), Is.EqualTo((2ul, true, 2u, "m1")));
    }

    [Test]
    public void Reject_without_requeue_drops_the_message()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session, target) = OpenSession();
        Consume(session, queue, "c");
        queue.EnqueueAll("m1", "m2");
        var first = target.Deliveries[0].Message;

        session.Reject(1, multiple: false, requeue: false);

        Assert.That(queue.ReadyCount, Is.Zero);
        Assert.That(queue.UnackedCount, Is.EqualTo(1));
        Assert.That(TestData.IsReleased(first), Is.True);
    }

    [Test]
    public void Nack_multiple_with_requeue_returns_every_delivery_up_to_the_tag()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        queue.EnqueueAll("m1", "m2", "m3", "m4");
        var (session, _) = OpenSession();
        for (var i = 0; i < 4; i++)
        {
            session.Get(queue, noAck: false);
        }

        session.Reject(3, multiple: true, requeue: true);

        Assert.That(session.UnackedCount, Is.EqualTo(1));
        Assert.That(queue.ReadyCount, Is.EqualTo(3));
        var (session2, target2) = OpenSession();
        Consume(session2, queue, "c", noAck: true);
        Assert.That(target2.Deliveries.Select(d => (d.Body, d.Redelivered)), Is.EqualTo(new[] { ("m1", true), ("m2", true), ("m3", true) }));
    }

    [Test]
    public void Nack_multiple_without_requeue_drops_every_delivery_up_to_the_tag()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        queue.EnqueueAll("m1", "m2", "m3");
        var (session, _) = OpenSession();
        for (var i = 0; i < 3; i++)
        {
            session.Get(queue, noAck: false);
        }

        session.Reject(2, multiple: true, requeue: false);

        Assert.That(session.UnackedCount, Is.EqualTo(1));
        Assert.That(queue.ReadyCount, Is.Zero);
        Assert.That(queue.UnackedCount, Is.EqualTo(1));
    }

    [Test]
    public void Ack_multiple_settles_every_delivery_up_to_and_including_the_tag()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session, _) = OpenSession();
        Consume(session, queue, "c");
        queue.EnqueueAll("m1", "m2", "m3", "m4");

        session.Ack(3, multiple: true);

        Assert.That(session.UnackedCount, Is.EqualTo(1));
        Assert.That(queue.UnackedCount, Is.EqualTo(1));
        Assert.Throws<AmqpException>(() => session.Ack(2, multiple: false), "tag 2 was settled by the multiple ack");
    }

    [Test]
    public void Ack_multiple_with_tag_zero_settles_everything_outstanding()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session, _) = OpenSession();
        Consume(session, queue, "c");
        queue.EnqueueAll("m1", "m2", "m3");

        session.Ack(0, multiple: true);

        Assert.That(session.UnackedCount, Is.Zero);
        Assert.That(queue.UnackedCount, Is.Zero);
    }

    [Test]
    public void Ack_multiple_with_tag_zero_and_nothing_outstanding_is_accepted()
    {
        var (session, _) = OpenSession();

        Assert.DoesNotThrow(() => session.Ack(0, multiple: true));
    }

    [Test]
    public void Ack_of_tag_zero_without_multiple_is_an_unknown_delivery_tag()
    {
        var (session, _) = OpenSession();

        var ex = Assert.Throws<AmqpException>(() => session.Ack(0, multiple: false));

        Assert.That(ex.Code, Is.EqualTo(ReplyCode.PreconditionFailed));
        Assert.That(ex.ReplyText, Is.EqualTo("PRECONDITION_FAILED - unknown delivery tag 0"));
    }

    [Test]
    public void An_unknown_delivery_tag_is_a_precondition_failed_channel_error()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session, _) = OpenSession();
        Consume(session, queue, "c");
        queue.EnqueueAll("m1");

        var ex = Assert.Throws<AmqpException>(() => session.Ack(5, multiple: false));

        Assert.That(ex.Code, Is.EqualTo(ReplyCode.PreconditionFailed));
        Assert.That(ex.IsConnectionError, Is.False);
        Assert.That(ex.ReplyText, Is.EqualTo("PRECONDITION_FAILED - unknown delivery tag 5"));
        Assert.That(session.UnackedCount, Is.EqualTo(1), "the failed ack settles nothing");
    }

    [Test]
    public void Acking_a_tag_twice_is_an_unknown_delivery_tag()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session, _) = OpenSession();
        Consume(session, queue, "c");
        queue.EnqueueAll("m1");
        session.Ack(1, multiple: false);

        var ex = Assert.Throws<AmqpException>(() => session.Ack(1, multiple: false));

        Assert.That(ex.Code, Is.EqualTo(ReplyCode.PreconditionFailed));
    }

    [Test]
    public void Ack_multiple_of_a_tag_beyond_every_delivery_is_an_unknown_delivery_tag()
    {
        // RabbitMQ 3.10 (checked): three unacked gets, basic.ack(99, multiple) -> 406 "unknown delivery tag 99".
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        queue.EnqueueAll("m1", "m2", "m3");
        var (session, _) = OpenSession();
        for (var i = 0; i < 3; i++)
        {
            session.Get(queue, noAck: false);
        }

        var ex = Assert.Throws<AmqpException>(() => session.Ack(99, multiple: true));

        Assert.That(ex.Code, Is.EqualTo(ReplyCode.PreconditionFailed));
        Assert.That(ex.ReplyText, Is.EqualTo("PRECONDITION_FAILED - unknown delivery tag 99"));
    }

    [Test]
    public void Ack_multiple_of_an_already_settled_tag_is_an_unknown_delivery_tag()
    {
        // RabbitMQ 3.10 (checked): gets 1..3, ack(2), then ack(2, multiple) -> 406 "unknown delivery tag 2".
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        queue.EnqueueAll("m1", "m2", "m3");
        var (session, _) = OpenSession();
        for (var i = 0; i < 3; i++)
        {
            session.Get(queue, noAck: false);
        }

        session.Ack(2, multiple: false);
        var ex = Assert.Throws<AmqpException>(() => session.Ack(2, multiple: true));

        Assert.That(ex.Code, Is.EqualTo(ReplyCode.PreconditionFailed));
    }

    [Test]
    public void A_duplicate_consumer_tag_on_one_channel_is_not_allowed()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session, _) = OpenSession();
        Consume(session, queue, "tag");

        var ex = Assert.Throws<AmqpException>(() => Consume(session, queue, "tag"));

        Assert.That(ex.Code, Is.EqualTo(ReplyCode.NotAllowed));
        Assert.That(ex.IsConnectionError, Is.True, "RabbitMQ closes the connection with 530");
        Assert.That(ex.ReplyText, Is.EqualTo("NOT_ALLOWED - attempt to reuse consumer tag 'tag'"));
        Assert.That(queue.ConsumerCount, Is.EqualTo(1));
    }

    [Test]
    public void The_same_consumer_tag_may_be_used_on_two_channels()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session1, _) = OpenSession();
        var (session2, _) = OpenSession();
        Consume(session1, queue, "tag");

        Assert.DoesNotThrow(() => Consume(session2, queue, "tag"));
        Assert.That(queue.ConsumerCount, Is.EqualTo(2));
    }

    [Test]
    public void An_empty_consumer_tag_gets_a_generated_unique_one()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session, _) = OpenSession();

        var first = Consume(session, queue);
        var second = Consume(session, queue);

        Assert.That(first.Tag, Does.StartWith("amq.ctag-"));
        Assert.That(second.Tag, Is.Not.EqualTo(first.Tag));
    }

    [Test]
    public void Cancelling_a_consumer_keeps_its_unacked_deliveries_on_the_channel()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session, target) = OpenSession();
        Consume(session, queue, "c");
        queue.EnqueueAll("m1");

        Assert.That(session.Cancel("c"), Is.True);
        queue.EnqueueAll("m2");

        Assert.That(target.Bodies, Is.EqualTo(new[] { "m1" }));
        Assert.DoesNotThrow(() => session.Ack(1, multiple: false));
        Assert.That(queue.ReadyCount, Is.EqualTo(1));
    }

    [Test]
    public void Recover_requeues_every_unacked_delivery()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session, target) = OpenSession();
        session.SetPrefetch(2, global: false);
        Consume(session, queue, "c");
        queue.EnqueueAll("m1", "m2", "m3");

        session.Recover();

        Assert.That(target.Deliveries.Select(d => (d.Body, d.DeliveryTag, d.Redelivered)), Is.EqualTo(new[]
        {
            ("m1", 1ul, false), ("m2", 2ul, false), ("m1", 3ul, true), ("m2", 4ul, true),
        }));
    }
}
