using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Tests.Queues;

/// <summary>
/// Queue features through the core API, without sockets: priority order with requeues, message TTL and
/// x-expires on a fake clock (at the head, in the middle, swept without consumers), length limits with
/// their overflow modes, consumer priorities, single active consumer and the delivery limit.
/// </summary>
[TestFixture]
public sealed class QueueFeatureTests : TimedBrokerFixture
{
    // ---- priorities ----

    [Test]
    public void A_priority_queue_hands_out_the_highest_priority_first_and_fifo_within_one()
    {
        var queue = Declare("q", ("x-max-priority", 10));
        var (session, target) = OpenSession();
        Publish(queue, "a1", Priority(1));
        Publish(queue, "b5", Priority(5));
        Publish(queue, "c-none");
        Publish(queue, "d5", Priority(5));
        Publish(queue, "e1", Priority(1));
        Publish(queue, "f10", Priority(10));

        Assert.That(Drain(queue, session, target), Is.EqualTo(new[] { "f10", "b5", "d5", "a1", "e1", "c-none" }));
    }

    [Test]
    public void A_priority_above_the_maximum_counts_as_the_maximum()
    {
        var queue = Declare("q", ("x-max-priority", 3));
        var (session, target) = OpenSession();
        Publish(queue, "p2", Priority(2));
        Publish(queue, "p3", Priority(3));
        Publish(queue, "p200", Priority(200));
        Publish(queue, "p3b", Priority(3));

        Assert.That(Drain(queue, session, target), Is.EqualTo(new[] { "p3", "p200", "p3b", "p2" }));
    }

    [Test]
    public void A_queue_without_x_max_priority_ignores_priorities()
    {
        var queue = Declare("q");
        var (session, target) = OpenSession();
        Publish(queue, "low", Priority(1));
        Publish(queue, "high", Priority(9));

        Assert.That(Drain(queue, session, target), Is.EqualTo(new[] { "low", "high" }));
    }

    [Test]
    public void Requeued_messages_return_to_their_place_within_their_priority()
    {
        var queue = Declare("q", ("x-max-priority", 5));
        var (session, target) = OpenSession();
        Publish(queue, "a5", Priority(5));
        Publish(queue, "b5", Priority(5));
        Publish(queue, "c1", Priority(1));
        Publish(queue, "d1", Priority(1));
        Get(session, target, queue);
        Get(session, target, queue);
        Get(session, target, queue);
        Publish(queue, "e5", Priority(5));

        // Requeued newest first and oldest first alike: each goes back to its place.
        session.Reject(2, multiple: false, requeue: true);
        session.Reject(3, multiple: false, requeue: true);
        session.Reject(1, multiple: false, requeue: true);
        target.Clear();

        var order = new List<(string, bool)>();
        while (session.Get(queue, noAck: true))
        {
            order.Add((target.Gets[^1].Body, target.Gets[^1].Redelivered));
        }

        Assert.That(order, Is.EqualTo(new[] { ("a5", true), ("b5", true), ("e5", false), ("c1", true), ("d1", false) }));
    }

    [Test]
    public void With_prefetch_one_each_delivery_is_the_highest_ready_message()
    {
        var queue = Declare("q", ("x-max-priority", 9));
        var (session, target) = OpenSession();
        session.SetPrefetch(1, global: false);
        Publish(queue, "a1", Priority(1));
        Publish(queue, "b1", Priority(1));
        Consume(session, queue, "c");
        Assert.That(target.Bodies, Is.EqualTo(new[] { "a1" }));

        Publish(queue, "c9", Priority(9));
        session.Ack(1, multiple: false);
        session.Ack(2, multiple: false);

        Assert.That(target.Bodies, Is.EqualTo(new[] { "a1", "c9", "b1" }));
    }

    // ---- message TTL ----

    [Test]
    public void The_tick_removes_expired_messages_from_the_head_without_a_consumer()
    {
        var queue = Declare("q", ("x-message-ttl", 1000));
        Publish(queue, "m1");
        Time.Advance(TimeSpan.FromMilliseconds(500));
        Publish(queue, "m2");

        AdvanceAndTick(499);
        Assert.That(queue.ReadyCount, Is.EqualTo(2), "m1 has 1 ms left");

        AdvanceAndTick(1);
        Assert.That(queue.ReadyCount, Is.EqualTo(1), "m1 expired exactly at its TTL");

        AdvanceAndTick(500);
        Assert.That(queue.ReadyCount, Is.Zero);
        Assert.That(queue.ReadyBytes, Is.Zero);
    }

    [Test]
    public void The_tick_removes_a_per_message_expiration_in_the_middle_of_the_queue()
    {
        var queue = Declare("q");
        var (session, target) = OpenSession();
        Publish(queue, "keep1");
        Publish(queue, "short", Expiration("100"));
        Publish(queue, "keep2");
        Publish(queue, "short2", Expiration("300"));

        AdvanceAndTick(150);

        Assert.That(queue.ReadyCount, Is.EqualTo(3));
        Assert.That(Drain(queue, session, target), Is.EqualTo(new[] { "keep1", "keep2", "short2" }));
    }

    [Test]
    public void An_expired_message_is_skipped_at_dequeue_even_before_the_tick()
    {
        var queue = Declare("q", ("x-message-ttl", 100));
        var (session, target) = OpenSession();
        Publish(queue, "old");
        Time.Advance(TimeSpan.FromMilliseconds(100));
        Publish(queue, "new");

        Assert.That(Drain(queue, session, target), Is.EqualTo(new[] { "new" }));
        Assert.That(queue.ReadyCount, Is.Zero);
    }

    [Test]
    public void An_expired_message_is_not_delivered_to_a_new_consumer()
    {
        var queue = Declare("q", ("x-message-ttl", 100));
        var (session, target) = OpenSession();
        Publish(queue, "old");
        Publish(queue, "young", Expiration("1000"));
        Time.Advance(TimeSpan.FromMilliseconds(200));

        Consume(session, queue, "c");

        Assert.That(target.Bodies, Is.Empty, "the queue TTL caps the message's own expiration");
    }

    [TestCase(1000, "100")]
    [TestCase(100, "1000")]
    public void The_lower_of_queue_ttl_and_expiration_wins(int queueTtl, string expiration)
    {
        var queue = Declare("q", ("x-message-ttl", queueTtl));
        Publish(queue, "m", Expiration(expiration));

        AdvanceAndTick(99);
        Assert.That(queue.ReadyCount, Is.EqualTo(1));
        AdvanceAndTick(1);
        Assert.That(queue.ReadyCount, Is.Zero);
    }

    [Test]
    public void A_ttl_of_zero_delivers_to_a_waiting_consumer_and_otherwise_drops_at_once()
    {
        var queue = Declare("q", ("x-message-ttl", 0));
        var (session, target) = OpenSession();

        Publish(queue, "nobody");
        Assert.That(queue.ReadyCount, Is.Zero, "dropped on arrival, no tick needed");

        Consume(session, queue, "c");
        Publish(queue, "taken");
        Assert.That(target.Bodies, Is.EqualTo(new[] { "taken" }));
    }

    [Test]
    public void An_expiration_of_zero_behaves_like_a_ttl_of_zero()
    {
        var queue = Declare("q");
        var (session, target) = OpenSession();

        Publish(queue, "nobody", Expiration("0"));
        Assert.That(queue.ReadyCount, Is.Zero);

        Consume(session, queue, "c");
        Publish(queue, "taken", Expiration("0"));
        Assert.That(target.Bodies, Is.EqualTo(new[] { "taken" }));
    }

    [Test]
    public void A_requeued_message_keeps_its_original_expiry()
    {
        var queue = Declare("q", ("x-message-ttl", 1000));
        var (session, target) = OpenSession();
        Publish(queue, "m");
        Get(session, target, queue);
        Time.Advance(TimeSpan.FromMilliseconds(1500));

        session.Reject(1, multiple: false, requeue: true);
        VirtualHost.OnTick();

        Assert.That(queue.ReadyCount, Is.Zero);
        Assert.That(queue.UnackedCount, Is.Zero);
    }

    [Test]
    public void An_unacked_message_does_not_expire()
    {
        var queue = Declare("q", ("x-message-ttl", 100));
        var (session, target) = OpenSession();
        Publish(queue, "m");
        var got = Get(session, target, queue);

        AdvanceAndTick(1000);

        Assert.That(queue.UnackedCount, Is.EqualTo(1));
        Assert.That(TestData.IsReleased(got!.Message), Is.False);
        session.Ack(got.DeliveryTag, multiple: false);
        Assert.That(TestData.IsReleased(got.Message), Is.True);
    }

    [Test]
    public void Expired_messages_are_released()
    {
        var queue = Declare("q", ("x-message-ttl", 100));
        var message = Message("m", routingKey: "q");
        queue.Enqueue(message);
        message.Release();

        AdvanceAndTick(100);

        Assert.That(TestData.IsReleased(message), Is.True);
    }

    // ---- x-expires ----

    [Test]
    public void An_unused_queue_is_deleted_by_the_tick_once_x_expires_has_passed()
    {
        var queue = Declare("q", ("x-expires", 1000));
        Publish(queue, "m");

        AdvanceAndTick(999);
        Assert.That(VirtualHost.FindQueue("q"), Is.SameAs(queue));

        AdvanceAndTick(1);
        Assert.That(VirtualHost.FindQueue("q"), Is.Null);
        Assert.That(queue.IsDeleted, Is.True);
    }

    [Test]
    public void A_consumer_keeps_the_queue_and_its_cancel_restarts_the_clock()
    {
        var queue = Declare("q", ("x-expires", 1000));
        var (session, _) = OpenSession();
        Consume(session, queue, "c");

        AdvanceAndTick(5000);
        Assert.That(VirtualHost.FindQueue("q"), Is.SameAs(queue));

        session.Cancel("c");
        AdvanceAndTick(999);
        Assert.That(VirtualHost.FindQueue("q"), Is.SameAs(queue));
        AdvanceAndTick(1);
        Assert.That(VirtualHost.FindQueue("q"), Is.Null);
    }

    [Test]
    public void Basic_get_and_redeclare_renew_the_lease()
    {
        var queue = Declare("q", ("x-expires", 1000));
        var (session, _) = OpenSession();

        AdvanceAndTick(900);
        session.Get(queue, noAck: true);
        AdvanceAndTick(900);
        Declare("q", ("x-expires", 1000));
        AdvanceAndTick(900);
        Assert.That(VirtualHost.FindQueue("q"), Is.SameAs(queue));

        AdvanceAndTick(100);
        Assert.That(VirtualHost.FindQueue("q"), Is.Null);
    }

    [Test]
    public void A_passive_declare_renews_the_lease_as_in_RabbitMQ()
    {
        var queue = Declare("q", ("x-expires", 1000));

        AdvanceAndTick(900);
        VirtualHost.DeclareQueue(TestData.QueueDefinition("q"), Connection, passive: true);
        AdvanceAndTick(900);

        Assert.That(VirtualHost.FindQueue("q"), Is.SameAs(queue));
    }

    // ---- length limits ----

    [Test]
    public void Drop_head_keeps_the_newest_messages_and_dead_letters_the_rest_as_maxlen()
    {
        var deadLetters = Declare("dlq");
        var queue = Declare("q", ("x-max-length", 2), ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", "dlq"));
        var (session, target) = OpenSession();

        foreach (var body in new[] { "m1", "m2", "m3", "m4" })
        {
            Assert.That(Publish(queue, body), Is.True, "drop-head never refuses");
        }

        Assert.That(queue.ReadyCount, Is.EqualTo(2));
        Assert.That(deadLetters.ReadyCount, Is.EqualTo(2));
        var dead = Get(session, target, deadLetters)!;
        Assert.That(dead.Body, Is.EqualTo("m1"));
        Assert.That(Death(dead.Message)["reason"], Is.EqualTo("maxlen"));
        Assert.That(Drain(queue, session, target), Is.EqualTo(new[] { "m3", "m4" }));
    }

    [Test]
    public void Reject_publish_refuses_when_full_and_does_not_dead_letter()
    {
        var deadLetters = Declare("dlq");
        var queue = Declare("q", ("x-max-length", 2), ("x-overflow", "reject-publish"), ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", "dlq"));
        var (session, target) = OpenSession();
        var refused = Message("m3", routingKey: "q");

        Assert.That(Publish(queue, "m1"), Is.True);
        Assert.That(Publish(queue, "m2"), Is.True);
        Assert.That(queue.Enqueue(refused), Is.False);
        refused.Release();

        Assert.That(TestData.IsReleased(refused), Is.True, "the queue kept no reference");
        Assert.That(deadLetters.ReadyCount, Is.Zero);
        Assert.That(Drain(queue, session, target), Is.EqualTo(new[] { "m1", "m2" }));
        Assert.That(Publish(queue, "m4"), Is.True, "room again");
    }

    [Test]
    public void Reject_publish_dlx_refuses_and_dead_letters_the_refused_message()
    {
        var deadLetters = Declare("dlq");
        var queue = Declare("q", ("x-max-length", 1), ("x-overflow", "reject-publish-dlx"), ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", "dlq"));
        var (session, target) = OpenSession();

        Assert.That(Publish(queue, "m1"), Is.True);
        Assert.That(Publish(queue, "m2"), Is.False);

        var dead = Get(session, target, deadLetters)!;
        Assert.That(dead.Body, Is.EqualTo("m2"));
        Assert.That(Death(dead.Message)["reason"], Is.EqualTo("maxlen"));
        Assert.That(queue.ReadyCount, Is.EqualTo(1));
    }

    [Test]
    public void A_refused_publish_to_one_queue_still_reaches_the_others()
    {
        var full = Declare("full", ("x-max-length", 0), ("x-overflow", "reject-publish"));
        var open = Declare("open");
        VirtualHost.Bind("full", "amq.fanout", string.Empty, Protocol.Encoding.FieldTable.Empty, Connection);
        VirtualHost.Bind("open", "amq.fanout", string.Empty, Protocol.Encoding.FieldTable.Empty, Connection);

        Assert.That(Publish("amq.fanout", string.Empty, "m"), Is.False, "the publisher is nacked");

        Assert.That(full.ReadyCount, Is.Zero);
        Assert.That(open.ReadyCount, Is.EqualTo(1));
    }

    [Test]
    public void Unacked_messages_take_no_room()
    {
        var queue = Declare("q", ("x-max-length", 1), ("x-overflow", "reject-publish"));
        var (session, target) = OpenSession();
        Publish(queue, "m1");
        Get(session, target, queue);

        Assert.That(Publish(queue, "m2"), Is.True);
        Assert.That(queue.ReadyCount, Is.EqualTo(1));
        Assert.That(queue.UnackedCount, Is.EqualTo(1));
    }

    [Test]
    public void Max_length_bytes_counts_body_bytes_only_as_RabbitMQ_does()
    {
        var queue = Declare("q", ("x-max-length-bytes", 10));
        var headers = new BasicProperties { ContentType = "text/plain", Headers = new Dictionary<string, object?> { ["big"] = new string('x', 100) } };

        Publish(queue, "12345", headers);
        Publish(queue, "67890", headers);

        Assert.That(queue.ReadyCount, Is.EqualTo(2), "5 + 5 body bytes fit 10; properties do not count");
    }

    [Test]
    public void Max_length_bytes_drops_from_the_head_until_the_bodies_fit()
    {
        var queue = Declare("q", ("x-max-length-bytes", 10));
        var (session, target) = OpenSession();

        Publish(queue, "aaaa");
        Publish(queue, "bbbb");
        Publish(queue, "cccc");

        Assert.That(Drain(queue, session, target), Is.EqualTo(new[] { "bbbb", "cccc" }));
    }

    [Test]
    public void Max_length_zero_still_delivers_to_a_waiting_consumer()
    {
        var queue = Declare("q", ("x-max-length", 0));
        var (session, target) = OpenSession();
        Publish(queue, "dropped");
        Consume(session, queue, "c");

        Publish(queue, "delivered");

        Assert.That(target.Bodies, Is.EqualTo(new[] { "delivered" }));
        Assert.That(queue.ReadyCount, Is.Zero);
    }

    // ---- consumer priorities and single active consumer ----

    [Test]
    public void The_higher_priority_consumer_receives_while_it_has_credit_then_the_lower_one()
    {
        var queue = Declare("q");
        var (high, highTarget) = OpenSession();
        var (low, lowTarget) = OpenSession();
        high.SetPrefetch(2, global: false);
        Consume(low, queue, "low", arguments: new Dictionary<string, object?> { ["x-priority"] = 1 });
        Consume(high, queue, "high", arguments: new Dictionary<string, object?> { ["x-priority"] = 10 });

        foreach (var body in new[] { "m1", "m2", "m3", "m4" })
        {
            Publish(queue, body);
        }

        Assert.That(highTarget.Bodies, Is.EqualTo(new[] { "m1", "m2" }));
        Assert.That(lowTarget.Bodies, Is.EqualTo(new[] { "m3", "m4" }));

        high.Ack(2, multiple: true);
        Publish(queue, "m5");
        Assert.That(highTarget.Bodies, Is.EqualTo(new[] { "m1", "m2", "m5" }));
    }

    [Test]
    public void A_single_active_consumer_gets_everything_and_the_next_takes_over_with_the_unacked()
    {
        var queue = Declare("q", ("x-single-active-consumer", true));
        var (first, firstTarget) = OpenSession();
        var (second, secondTarget) = OpenSession();
        first.SetPrefetch(1, global: false);
        Consume(first, queue, "first");
        Consume(second, queue, "second");

        Publish(queue, "m1");
        Publish(queue, "m2");
        Assert.That(firstTarget.Bodies, Is.EqualTo(new[] { "m1" }));
        Assert.That(secondTarget.Bodies, Is.Empty, "out of credit, the active consumer still keeps its turn");

        first.Close();

        Assert.That(secondTarget.Deliveries.Select(d => (d.Body, d.Redelivered)), Is.EqualTo(new[] { ("m1", true), ("m2", false) }));
    }

    // ---- delivery limit ----

    [Test]
    public void A_message_returned_more_often_than_the_delivery_limit_is_dead_lettered()
    {
        var deadLetters = Declare("dlq");
        var queue = Declare("q", ("x-delivery-limit", 2), ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", "dlq"));
        var (session, target) = OpenSession();
        Publish(queue, "m");

        var deliveries = 0;
        while (Get(session, target, queue) is { } got)
        {
            deliveries++;
            session.Reject(got.DeliveryTag, multiple: false, requeue: true);
        }

        Assert.That(deliveries, Is.EqualTo(3));
        var dead = Get(session, target, deadLetters)!;
        Assert.That(Death(dead.Message)["reason"], Is.EqualTo("delivery_limit"));
        Assert.That(queue.UnackedCount, Is.Zero);
    }

    [Test]
    public void Deliveries_from_a_delivery_limited_queue_carry_x_delivery_count()
    {
        var queue = Declare("q", ("x-delivery-limit", 5));
        var (session, target) = OpenSession();
        Publish(queue, "m");

        var counts = new List<object?>();
        for (var i = 0; i < 3; i++)
        {
            var got = Get(session, target, queue)!;
            counts.Add(PropertiesOf(got.Message).Headers?.GetValueOrDefault("x-delivery-count"));
            session.Reject(got.DeliveryTag, multiple: false, requeue: true);
        }

        Assert.That(counts, Is.EqualTo(new object[] { 0L, 1L, 2L }), "as RabbitMQ's quorum queues do");
    }

    private static BasicProperties Priority(byte priority) => new() { Priority = priority };

    private static BasicProperties Expiration(string expiration) => new() { Expiration = expiration };

    private static IReadOnlyDictionary<string, object?> Death(Core.Messages.Message message) =>
        (IReadOnlyDictionary<string, object?>)((IReadOnlyList<object?>)PropertiesOf(message).Headers!["x-death"]!)[0]!;
}
