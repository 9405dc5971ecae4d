using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Tests.Queues;

/// <summary>
/// Queue features through the core API, without sockets: priority order with requeues, consumer
/// priorities, single active consumer and the delivery limit. Message TTL, x-expires and the length
/// limits have their own fixtures.
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

    private static BasicProperties Priority(byte priority) => new() { Priority = priority };
}
