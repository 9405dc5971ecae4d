using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Scheduling;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Tests.Queues;

/// <summary>
/// Message TTL through the core API on a fake clock: at the head, in the middle, swept by the tick without
/// consumers, the lower of the queue's TTL and the message's expiration, a TTL of zero.
/// </summary>
[TestFixture]
public sealed class MessageExpiryTests : TimedBrokerFixture
{
    private readonly HeldMessages _held = new();

    [TearDown]
    public void ReleaseHeldMessages() => _held.Dispose();

    [Test]
    public void The_tick_removes_expired_messages_from_the_head_without_a_consumer()
    {
        var queue = Declare("q", ("x-message-ttl", 1000));
        Publish(queue, "m1");
        Time.Advance(TimeSpan.FromMilliseconds(500));
        Publish(queue, "m2");

        Advance(499);
        Assert.That(queue.ReadyCount, Is.EqualTo(2), "m1 has 1 ms left");

        Advance(1);
        Assert.That(queue.ReadyCount, Is.EqualTo(1), "m1 expired exactly at its TTL");

        Advance(500);
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

        Advance(150);

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

        Advance(99);
        Assert.That(queue.ReadyCount, Is.EqualTo(1));
        Advance(1);
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
        Time.Advance(TimeSpan.FromMilliseconds(1));

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

        Advance(1000);

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

        Advance(100);

        Assert.That(TestData.IsReleased(message), Is.True);
    }

    // ---- the rule on its own ----

    [TestCase(null, null, QueueEntry.Never)]
    [TestCase(100L, null, 1100L)]
    [TestCase(null, "50", 1050L)]
    [TestCase(100L, "50", 1050L)]
    [TestCase(30L, "50", 1030L)]
    public void A_message_expires_at_the_lower_of_the_queue_ttl_and_its_own(long? queueTtl, string? expiration, long expected)
    {
        var message = _held.Add("m", expiration);

        Assert.That(MessageExpiry.ExpiresAt(new QueueArguments { MessageTtl = queueTtl }, message, nowMs: 1000), Is.EqualTo(expected));
    }

    [Test]
    public void With_only_the_queue_ttl_expired_heads_go_and_the_first_live_one_stops_the_sweep()
    {
        var time = TestData.Clock();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var ready = new ReadyStore(PriorityLevels.None, log: null);
        ready.Enqueue(new QueueEntry(_held.Add("old"), 0, false, now - 1), DurableEntries.NotLogged);
        ready.Enqueue(new QueueEntry(_held.Add("live"), 1, false, now + 1000), DurableEntries.NotLogged);
        ready.Enqueue(new QueueEntry(_held.Add("behind"), 2, false, now - 1), DurableEntries.NotLogged);
        var runs = 0;
        var expiry = new MessageExpiry(ready, durable: null, new BrokerTimers(time), () => runs++);
        List<QueueEntry>? expired = null;

        expiry.Sweep(new QueueArguments { MessageTtl = 1000 }, ref expired);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(expired!.Select(e => e.Sequence), Is.EqualTo(new[] { 0L }), "one behind a live head waits for it");
            Assert.That(ready.Count, Is.EqualTo(2));
        }

        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.That(runs, Is.Zero, "the timer waits for the live head's expiry");
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(runs, Is.EqualTo(1));
    }

    [Test]
    public void Once_a_message_has_its_own_ttl_the_sweep_searches_the_whole_queue()
    {
        var time = TestData.Clock();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var ready = new ReadyStore(PriorityLevels.None, log: null);
        ready.Enqueue(new QueueEntry(_held.Add("live"), 0, false, now + 1000), DurableEntries.NotLogged);
        ready.Enqueue(new QueueEntry(_held.Add("own", expiration: "1"), 1, false, now - 1), DurableEntries.NotLogged);
        var expiry = new MessageExpiry(ready, durable: null, new BrokerTimers(time), () => { });
        List<QueueEntry>? expired = null;

        expiry.RemoveExpiredHeads(QueueArguments.None, ref expired);
        Assert.That(expired, Is.Null, "heads only: the live head stops it");

        expiry.Sweep(QueueArguments.None, ref expired);
        Assert.That(expired!.Select(e => e.Sequence), Is.EqualTo(new[] { 1L }));
    }

    private static BasicProperties Expiration(string expiration) => new() { Expiration = expiration };
}
