using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Tests.Queues;

/// <summary>
/// x-max-length and x-max-length-bytes through the core API with each x-overflow mode: drop-head,
/// reject-publish and reject-publish-dlx.
/// </summary>
[TestFixture]
public sealed class QueueLengthLimitTests : TimedBrokerFixture
{
    private readonly HeldMessages _held = new();

    [TearDown]
    public void ReleaseHeldMessages() => _held.Dispose();

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

    // ---- the rule on its own ----

    [TestCase(OverflowBehaviour.DropHead, nameof(Admission.Accept))]
    [TestCase(OverflowBehaviour.RejectPublish, nameof(Admission.Refuse))]
    [TestCase(OverflowBehaviour.RejectPublishDeadLetter, nameof(Admission.RefuseAndDeadLetter))]
    public void A_full_queue_admits_by_its_overflow(OverflowBehaviour overflow, string expected)
    {
        var ready = _held.Ready("a", "b");
        var limit = new QueueLengthLimit(ready);
        var full = new QueueArguments { MaxLength = 2, Overflow = overflow };
        var roomy = full with { MaxLength = 3 };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(limit.Admit(full, _held.Add("c")), Is.EqualTo(Enum.Parse<Admission>(expected)));
            Assert.That(limit.Admit(roomy, _held.Add("c")), Is.EqualTo(Admission.Accept));
        }
    }

    [Test]
    public void The_byte_limit_counts_the_arriving_body()
    {
        var limit = new QueueLengthLimit(_held.Ready("12345"));
        var arguments = new QueueArguments { MaxLengthBytes = 8 };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(limit.IsFullFor(arguments, bodySize: 3), Is.False);
            Assert.That(limit.IsFullFor(arguments, bodySize: 4), Is.True);
        }
    }

    [Test]
    public void Dropping_heads_takes_the_oldest_until_both_limits_hold()
    {
        var ready = _held.Ready("a", "bb", "ccc", "dddd");
        List<QueueEntry>? dropped = null;

        new QueueLengthLimit(ready).DropHeadsOverLimit(new QueueArguments { MaxLength = 3, MaxLengthBytes = 7 }, ref dropped);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(dropped!.Select(e => e.Message), Is.EqualTo(_held.All.Take(2)), "a goes for the count, bb for the bytes");
            Assert.That(ready.Count, Is.EqualTo(2));
            Assert.That(ready.Bytes, Is.EqualTo(7));
        }
    }

    private static IReadOnlyDictionary<string, object?> Death(Core.Messages.Message message) =>
        (IReadOnlyDictionary<string, object?>)((IReadOnlyList<object?>)PropertiesOf(message).Headers!["x-death"]!)[0]!;
}
