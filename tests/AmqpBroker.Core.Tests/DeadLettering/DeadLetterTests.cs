using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Core.Tests.DeadLettering;

/// <summary>
/// Dead-lettering through the core API: the x-death header built as RabbitMQ 3.10 builds it (fields,
/// types, the time from the broker's clock), the x-first-death-* headers, counting repeated deaths,
/// RabbitMQ's cycle rule, and message references released along the way.
/// </summary>
[TestFixture]
public sealed class DeadLetterTests : TimedBrokerFixture
{
    [Test]
    public void A_rejected_message_gets_one_x_death_entry_and_the_first_death_headers()
    {
        var deadLetters = Declare("dlq");
        var queue = Declare("q", ("x-dead-letter-exchange", "amq.fanout"));
        VirtualHost.Bind("dlq", "amq.fanout", string.Empty, FieldTable.Empty, Connection);
        var (session, target) = OpenSession();
        Publish(queue, "m", new BasicProperties { ContentType = "text/plain", Headers = new Dictionary<string, object?> { ["app"] = "kept" } });
        var got = Get(session, target, queue)!;

        session.Reject(got.DeliveryTag, multiple: false, requeue: false);

        Assert.That(TestData.IsReleased(got.Message), Is.True, "the queue let go of the original");
        var dead = Get(session, target, deadLetters)!;
        var properties = PropertiesOf(dead.Message);
        var headers = properties.Headers!;
        Assert.That(dead.Message.Exchange, Is.EqualTo("amq.fanout"));
        Assert.That(dead.Message.RoutingKey, Is.EqualTo("q"), "the original key without x-dead-letter-routing-key");
        Assert.That(properties.ContentType, Is.EqualTo("text/plain"));
        Assert.That(headers.Keys, Is.EquivalentTo(new[] { "app", "x-death", "x-first-death-exchange", "x-first-death-queue", "x-first-death-reason" }));
        Assert.That(headers["app"], Is.EqualTo("kept"));
        Assert.That(headers["x-first-death-exchange"], Is.EqualTo(string.Empty));
        Assert.That(headers["x-first-death-queue"], Is.EqualTo("q"));
        Assert.That(headers["x-first-death-reason"], Is.EqualTo("rejected"));

        var deaths = Deaths(dead.Message);
        Assert.That(deaths, Has.Count.EqualTo(1));
        var death = (IReadOnlyDictionary<string, object?>)deaths[0]!;
        Assert.That(death.Keys, Is.EquivalentTo(new[] { "count", "reason", "queue", "time", "exchange", "routing-keys" }));
        Assert.That(death["count"], Is.TypeOf<long>().And.EqualTo(1L));
        Assert.That(death["reason"], Is.EqualTo("rejected"));
        Assert.That(death["queue"], Is.EqualTo("q"));
        Assert.That(death["exchange"], Is.EqualTo(string.Empty));
        Assert.That(death["routing-keys"], Is.EqualTo(new object[] { "q" }));
        Assert.That(death["time"], Is.EqualTo(new AmqpTimestamp(Time.GetUtcNow().ToUnixTimeSeconds())));
    }

    [Test]
    public void The_dead_letter_routing_key_replaces_the_key_and_x_death_keeps_the_original()
    {
        var deadLetters = Declare("dlq");
        Declare("q", ("x-dead-letter-exchange", "amq.direct"), ("x-dead-letter-routing-key", "dead"));
        VirtualHost.Bind("q", "amq.topic", "orig.#", FieldTable.Empty, Connection);
        VirtualHost.Bind("dlq", "amq.direct", "dead", FieldTable.Empty, Connection);
        var (session, target) = OpenSession();
        Publish("amq.topic", "orig.key", "m");
        var got = Get(session, target, VirtualHost.FindQueue("q")!)!;

        session.Reject(got.DeliveryTag, multiple: false, requeue: false);

        var dead = Get(session, target, deadLetters)!;
        var death = Death(dead.Message, 0);
        Assert.That(dead.Message.RoutingKey, Is.EqualTo("dead"));
        Assert.That(death["exchange"], Is.EqualTo("amq.topic"));
        Assert.That(death["routing-keys"], Is.EqualTo(new object[] { "orig.key" }));
        Assert.That(PropertiesOf(dead.Message).Headers!["x-first-death-exchange"], Is.EqualTo("amq.topic"));
    }

    [Test]
    public void An_expired_message_loses_its_expiration_which_x_death_records_as_original_expiration()
    {
        var deadLetters = Declare("dlq");
        var queue = Declare("q", ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", "dlq"));
        var (session, target) = OpenSession();
        Publish(queue, "m", new BasicProperties { Expiration = "100" });

        Advance(100);

        Assert.That(queue.ReadyCount, Is.Zero);
        var dead = Get(session, target, deadLetters)!;
        var death = Death(dead.Message, 0);
        Assert.That(PropertiesOf(dead.Message).Expiration, Is.Null);
        Assert.That(death["reason"], Is.EqualTo("expired"));
        Assert.That(death["original-expiration"], Is.EqualTo("100"));
        Assert.That(death["time"], Is.EqualTo(new AmqpTimestamp(Time.GetUtcNow().ToUnixTimeSeconds())), "the time of death, not of publishing");
        Assert.That(death, Has.Count.EqualTo(7));
    }

    [Test]
    public void A_second_death_of_the_same_queue_and_reason_increments_count_and_moves_first()
    {
        var q1 = Declare("q1", ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", "q2"));
        var q2 = Declare("q2", ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", "q1"));
        var (session, target) = OpenSession();
        Publish(q1, "m");

        RejectNext(session, target, q1);
        RejectNext(session, target, q2);
        RejectNext(session, target, q1);

        var dead = Get(session, target, q2)!;
        Assert.That(Summaries(dead.Message), Is.EqualTo(new[] { "q1 rejected 2", "q2 rejected 1" }));
        Assert.That(PropertiesOf(dead.Message).Headers!["x-first-death-queue"], Is.EqualTo("q1"));
    }

    [Test]
    public void An_updated_entry_keeps_its_first_time()
    {
        var q1 = Declare("q1", ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", "q2"));
        var q2 = Declare("q2", ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", "q1"));
        var (session, target) = OpenSession();
        Publish(q1, "m");
        var firstDeath = new AmqpTimestamp(Time.GetUtcNow().ToUnixTimeSeconds());

        RejectNext(session, target, q1);
        Time.Advance(TimeSpan.FromMilliseconds(5000));
        RejectNext(session, target, q2);
        Time.Advance(TimeSpan.FromMilliseconds(5000));
        RejectNext(session, target, q1);

        var dead = Get(session, target, q2)!;
        Assert.That(Death(dead.Message, 0)["time"], Is.EqualTo(firstDeath), "RabbitMQ 3.10 only increments count");
    }

    [Test]
    public void With_three_entries_the_older_ones_are_reordered_as_RabbitMQ_does()
    {
        // RabbitMQ 3.10 (checked): the new or updated entry goes first; with two or more entries before, the
        // others come after it in reverse of their previous order.
        var q1 = Declare("q1", ("x-max-length", 1), ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", "q2"));
        var q2 = Declare("q2", ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", "q1"));
        var (session, target) = OpenSession();
        Publish(q1, "m");
        RejectNext(session, target, q1);
        RejectNext(session, target, q2);
        Publish(q1, "pusher");

        var third = Get(session, target, q2)!;
        Assert.That(Summaries(third.Message), Is.EqualTo(new[] { "q1 maxlen 1", "q1 rejected 1", "q2 rejected 1" }));
        session.Reject(third.DeliveryTag, multiple: false, requeue: false);

        var fourth = Get(session, target, q1)!;
        Assert.That(Summaries(fourth.Message), Is.EqualTo(new[] { "q2 rejected 2", "q1 rejected 1", "q1 maxlen 1" }));
    }

    [Test]
    public void An_automatic_cycle_is_dropped_where_it_would_reenter_a_queue()
    {
        var q1 = Declare("q1", ("x-message-ttl", 100), ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", "q2"));
        var q2 = Declare("q2", ("x-message-ttl", 100), ("x-dead-letter-exchange", "amq.fanout"));
        var witness = Declare("witness");
        VirtualHost.Bind("q1", "amq.fanout", string.Empty, FieldTable.Empty, Connection);
        VirtualHost.Bind("witness", "amq.fanout", string.Empty, FieldTable.Empty, Connection);
        var (session, target) = OpenSession();
        var message = Message("m", routingKey: "q1");
        q1.Enqueue(message);
        message.Release();

        Advance(100);
        Assert.That(q2.ReadyCount, Is.EqualTo(1));
        Advance(100);

        Assert.That(q1.ReadyCount, Is.Zero, "q1 is in the message's x-death and every death since was automatic");
        Assert.That(q2.ReadyCount, Is.Zero);
        Assert.That(witness.ReadyCount, Is.EqualTo(1));
        Assert.That(Summaries(Get(session, target, witness)!.Message), Is.EqualTo(new[] { "q2 expired 1", "q1 expired 1" }));
        Assert.That(TestData.IsReleased(message), Is.True);
    }

    [Test]
    public void A_cycle_that_includes_a_rejection_goes_on()
    {
        var q1 = Declare("q1", ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", "q2"));
        var q2 = Declare("q2", ("x-message-ttl", 100), ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", "q1"));
        var (session, target) = OpenSession();
        Publish(q1, "m");

        RejectNext(session, target, q1);
        Advance(100);

        Assert.That(q1.ReadyCount, Is.EqualTo(1));
        Assert.That(Summaries(Get(session, target, q1)!.Message), Is.EqualTo(new[] { "q2 expired 1", "q1 rejected 1" }));
    }

    [Test]
    public void A_rejection_in_the_same_queue_is_never_a_cycle()
    {
        // q dead-letters to itself: a rejection re-enters it every time.
        var queue = Declare("q", ("x-dead-letter-exchange", string.Empty));
        var (session, target) = OpenSession();
        Publish(queue, "m");

        RejectNext(session, target, queue);
        RejectNext(session, target, queue);

        var got = Get(session, target, queue)!;
        Assert.That(Summaries(got.Message), Is.EqualTo(new[] { "q rejected 2" }));
    }

    [Test]
    public void An_expiry_back_into_the_same_queue_is_a_cycle()
    {
        var queue = Declare("q", ("x-message-ttl", 100), ("x-dead-letter-exchange", string.Empty));
        Publish(queue, "m");

        // The cycle check looks at the header as it is after this death, so the very first expiry is one.
        Advance(100);

        Assert.That(queue.ReadyCount, Is.Zero);
    }

    [Test]
    public void A_missing_dead_letter_exchange_drops_and_releases_the_message()
    {
        var queue = Declare("q", ("x-dead-letter-exchange", "missing"));
        var (session, target) = OpenSession();
        Publish(queue, "m");
        var got = Get(session, target, queue)!;

        session.Reject(got.DeliveryTag, multiple: false, requeue: false);

        Assert.That(TestData.IsReleased(got.Message), Is.True);
        Assert.That(queue.ReadyCount + queue.UnackedCount, Is.Zero);
    }

    [Test]
    public void A_dead_letter_exchange_with_no_matching_binding_drops_the_message()
    {
        var queue = Declare("q", ("x-dead-letter-exchange", "amq.direct"), ("x-dead-letter-routing-key", "unbound"));
        var (session, target) = OpenSession();
        Publish(queue, "m");
        var got = Get(session, target, queue)!;

        session.Reject(got.DeliveryTag, multiple: false, requeue: false);

        Assert.That(TestData.IsReleased(got.Message), Is.True);
    }

    private static void RejectNext(Core.Sessions.Session session, RecordingTarget target, Core.Queues.Queue queue)
    {
        var got = Get(session, target, queue);
        Assert.That(got, Is.Not.Null, $"a message in {queue.Name}");
        session.Reject(got!.DeliveryTag, multiple: false, requeue: false);
    }

    private static IReadOnlyList<object?> Deaths(Core.Messages.Message message) =>
        (IReadOnlyList<object?>)PropertiesOf(message).Headers!["x-death"]!;

    private static IReadOnlyDictionary<string, object?> Death(Core.Messages.Message message, int index) =>
        (IReadOnlyDictionary<string, object?>)Deaths(message)[index]!;

    private static string[] Summaries(Core.Messages.Message message) =>
        [.. Deaths(message).Cast<IReadOnlyDictionary<string, object?>>().Select(d => $"{d["queue"]} {d["reason"]} {d["count"]}")];
}
