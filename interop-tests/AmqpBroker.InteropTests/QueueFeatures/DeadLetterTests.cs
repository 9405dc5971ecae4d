using System.Text;
using AmqpBroker.InteropTests.Support;

namespace AmqpBroker.InteropTests.QueueFeatures;

/// <summary>
/// Dead-lettering: x-dead-letter-exchange and -routing-key, the reasons (rejected, expired, maxlen) and the
/// x-death header in RabbitMQ's exact shape and types (count a long, time a timestamp, strings as longstr,
/// routing-keys an array, newest death first), the x-first-death-* headers, counting repeated deaths and
/// RabbitMQ's cycle rule (an automatic cycle is dropped, one that involves a rejection goes on).
/// </summary>
[TestFixture]
public sealed class DeadLetterTests : BrokerTestBase
{
    private static readonly string[] FirstDeathKeys = ["count", "reason", "queue", "time", "exchange", "routing-keys"];

    [Test]
    public async Task A_rejected_message_is_republished_with_RabbitMQs_x_death_header()
    {
        var channel = await OpenConfirmChannelAsync();
        var (dlx, deadLetters) = await DeclareFanoutDeadLetterTargetAsync(channel);
        var queue = await DeclareQueueAsync(channel, Args(("x-dead-letter-exchange", dlx)));
        var properties = new BasicProperties
        {
            ContentType = "text/plain",
            Persistent = true,
            CorrelationId = "corr-1",
            Headers = new Dictionary<string, object?> { ["app"] = "kept" },
        };
        await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, properties, "body"u8.ToArray());
        var consumer = new CollectingConsumer(channel);
        await channel.BasicConsumeAsync(deadLetters, autoAck: true, consumer);

        var got = await channel.BasicGetAsync(queue, autoAck: false);
        Assert.That(got, Is.Not.Null);
        await channel.BasicRejectAsync(got!.DeliveryTag, requeue: false);
        var dead = await consumer.NextAsync(Timeout);

        var headers = dead.Properties.Headers!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(dead.Text, Is.EqualTo("body"));
            Assert.That(dead.Exchange, Is.EqualTo(dlx));
            Assert.That(dead.RoutingKey, Is.EqualTo(queue), "without x-dead-letter-routing-key the original key is kept");
            Assert.That(dead.Redelivered, Is.False);
            Assert.That(dead.Properties.ContentType, Is.EqualTo("text/plain"));
            Assert.That(dead.Properties.Persistent, Is.True);
            Assert.That(dead.Properties.CorrelationId, Is.EqualTo("corr-1"));
            // x-dotnet-pub-seq-no is the client's own (publisher confirmation tracking).
            Assert.That(headers.Keys.Where(k => k != "x-dotnet-pub-seq-no"), Is.EquivalentTo(new List<string> { "app", "x-death", "x-first-death-exchange", "x-first-death-queue", "x-first-death-reason" }));
            Assert.That(LongStr(headers["app"]), Is.EqualTo("kept"));
            Assert.That(LongStr(headers["x-first-death-exchange"]), Is.EqualTo(string.Empty));
            Assert.That(LongStr(headers["x-first-death-queue"]), Is.EqualTo(queue));
            Assert.That(LongStr(headers["x-first-death-reason"]), Is.EqualTo("rejected"));
        }

        var deaths = Deaths(dead.Properties);
        Assert.That(deaths, Has.Count.EqualTo(1));
        AssertDeath(deaths[0], count: 1, "rejected", queue, exchange: string.Empty, [queue]);
        Assert.That(((IDictionary<string, object?>)deaths[0]!).Keys, Is.EquivalentTo(FirstDeathKeys));
    }

    [Test]
    public async Task Nack_without_requeue_dead_letters_every_message_it_names()
    {
        var channel = await OpenConfirmChannelAsync();
        var (dlx, deadLetters) = await DeclareFanoutDeadLetterTargetAsync(channel);
        var queue = await DeclareQueueAsync(channel, Args(("x-dead-letter-exchange", dlx)));
        await PublishAsync(channel, queue, "m1", "m2", "m3");
        var consumer = new CollectingConsumer(channel);
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer);
        var deliveries = await consumer.TakeAsync(3, Timeout);

        await channel.BasicNackAsync(deliveries[^1].DeliveryTag, multiple: true, requeue: false);

        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(deadLetters) == 3), Is.True);
        var bodies = new List<string>();
        while (await channel.BasicGetAsync(deadLetters, autoAck: true) is { } dead)
        {
            bodies.Add(Text(dead.Body));
            AssertDeath(Deaths(dead.BasicProperties)[0], count: 1, "rejected", queue, string.Empty, [queue]);
        }

        Assert.That(bodies, Is.EqualTo(new List<string> { "m1", "m2", "m3" }));
    }

    [Test]
    public async Task Requeueing_does_not_dead_letter()
    {
        var channel = await OpenConfirmChannelAsync();
        var (dlx, deadLetters) = await DeclareFanoutDeadLetterTargetAsync(channel);
        var queue = await DeclareQueueAsync(channel, Args(("x-dead-letter-exchange", dlx)));
        await PublishAsync(channel, queue, "m1");

        var got = await channel.BasicGetAsync(queue, autoAck: false);
        await channel.BasicNackAsync(got!.DeliveryTag, multiple: false, requeue: true);
        var again = await channel.BasicGetAsync(queue, autoAck: false);
        await channel.BasicRejectAsync(again!.DeliveryTag, requeue: true);

        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(queue) == 1), Is.True);
        Assert.That(await channel.MessageCountAsync(deadLetters), Is.Zero);
    }

    [Test]
    public async Task The_dead_letter_routing_key_replaces_the_key_but_x_death_keeps_the_original()
    {
        var channel = await OpenConfirmChannelAsync();
        var source = await DeclareExchangeAsync(channel, ExchangeType.Direct, what: "src");
        var dlx = await DeclareExchangeAsync(channel, ExchangeType.Direct, what: "dlx");
        var deadLetters = await DeclareQueueAsync(channel, "dlq");
        await channel.QueueBindAsync(deadLetters, dlx, "dead");
        var queue = await DeclareQueueAsync(channel, Args(("x-dead-letter-exchange", dlx), ("x-dead-letter-routing-key", "dead")));
        await channel.QueueBindAsync(queue, source, "orig");
        await channel.BasicPublishAsync(source, "orig", "m"u8.ToArray());

        var got = await channel.BasicGetAsync(queue, autoAck: false);
        await channel.BasicRejectAsync(got!.DeliveryTag, requeue: false);

        BasicGetResult? dead = null;
        Assert.That(await EventuallyAsync(async () => (dead = await channel.BasicGetAsync(deadLetters, autoAck: true)) is not null), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(dead!.Exchange, Is.EqualTo(dlx));
            Assert.That(dead.RoutingKey, Is.EqualTo("dead"));
            Assert.That(LongStr(dead.BasicProperties.Headers!["x-first-death-exchange"]), Is.EqualTo(source));
        }

        AssertDeath(Deaths(dead!.BasicProperties)[0], count: 1, "rejected", queue, source, ["orig"]);
    }

    [Test]
    public async Task An_expired_message_is_dead_lettered_without_its_expiration_which_x_death_records()
    {
        var channel = await OpenConfirmChannelAsync();
        var (dlx, deadLetters) = await DeclareFanoutDeadLetterTargetAsync(channel);
        var queue = await DeclareQueueAsync(channel, Args(("x-dead-letter-exchange", dlx)));
        var consumer = new CollectingConsumer(channel);
        await channel.BasicConsumeAsync(deadLetters, autoAck: true, consumer);

        await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, new BasicProperties { Expiration = "100" }, "m"u8.ToArray());
        var dead = await consumer.NextAsync(Timeout);

        var death = (IDictionary<string, object?>)Deaths(dead.Properties)[0]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(dead.Properties.IsExpirationPresent(), Is.False, "the expiration property is removed");
            Assert.That(death.Keys, Is.EquivalentTo(FirstDeathKeys.Append("original-expiration")));
            Assert.That(LongStr(death.TryGetValue("original-expiration", out var original) ? original : null), Is.EqualTo("100"));
            Assert.That(LongStr(dead.Properties.Headers!["x-first-death-reason"]), Is.EqualTo("expired"));
        }

        AssertDeath(death, count: 1, "expired", queue, string.Empty, [queue]);
    }

    [Test]
    public async Task A_head_dropped_by_max_length_is_dead_lettered_with_reason_maxlen()
    {
        var channel = await OpenConfirmChannelAsync();
        var (dlx, deadLetters) = await DeclareFanoutDeadLetterTargetAsync(channel);
        var queue = await DeclareQueueAsync(channel, Args(("x-dead-letter-exchange", dlx), ("x-max-length", 1)));

        await PublishAsync(channel, queue, "m1", "m2");

        BasicGetResult? dead = null;
        Assert.That(await EventuallyAsync(async () => (dead = await channel.BasicGetAsync(deadLetters, autoAck: true)) is not null), Is.True);
        Assert.That(Text(dead!.Body), Is.EqualTo("m1"));
        AssertDeath(Deaths(dead.BasicProperties)[0], count: 1, "maxlen", queue, string.Empty, [queue]);
        Assert.That(LongStr(dead.BasicProperties.Headers!["x-first-death-reason"]), Is.EqualTo("maxlen"));
    }

    [Test]
    public async Task Deaths_are_listed_newest_first_and_the_first_death_is_kept()
    {
        var channel = await OpenConfirmChannelAsync();
        var q3 = await DeclareQueueAsync(channel, "q3");
        var q2 = await DeclareQueueAsync(channel, Args(("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", q3)), "q2");
        var q1 = await DeclareQueueAsync(channel, Args(("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", q2)), "q1");
        await PublishAsync(channel, q1, "m");

        await RejectNextAsync(channel, q1);
        await RejectNextAsync(channel, q2);

        var dead = await GetEventuallyAsync(channel, q3);
        var deaths = Deaths(dead.BasicProperties);
        Assert.That(deaths, Has.Count.EqualTo(2));
        AssertDeath(deaths[0], count: 1, "rejected", q2, string.Empty, [q2]);
        AssertDeath(deaths[1], count: 1, "rejected", q1, string.Empty, [q1]);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(dead.RoutingKey, Is.EqualTo(q3));
            Assert.That(LongStr(dead.BasicProperties.Headers!["x-first-death-queue"]), Is.EqualTo(q1));
            Assert.That(LongStr(dead.BasicProperties.Headers["x-first-death-reason"]), Is.EqualTo("rejected"));
        }
    }

    [Test]
    public async Task A_second_death_in_the_same_queue_for_the_same_reason_increments_its_count()
    {
        var channel = await OpenConfirmChannelAsync();
        var q1 = Track(UniqueName("q1"));
        var q2 = Track(UniqueName("q2"));
        await channel.QueueDeclareAsync(q1, false, false, false, Args(("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", q2)));
        await channel.QueueDeclareAsync(q2, false, false, false, Args(("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", q1)));
        await PublishAsync(channel, q1, "m");

        await RejectNextAsync(channel, q1);
        await RejectNextAsync(channel, q2);
        await RejectNextAsync(channel, q1);

        var dead = await GetEventuallyAsync(channel, q2);
        var deaths = Deaths(dead.BasicProperties);
        Assert.That(deaths, Has.Count.EqualTo(2), "one entry per queue and reason");
        AssertDeath(deaths[0], count: 2, "rejected", q1, string.Empty, [q1]);
        AssertDeath(deaths[1], count: 1, "rejected", q2, string.Empty, [q2]);
        Assert.That(LongStr(dead.BasicProperties.Headers!["x-first-death-queue"]), Is.EqualTo(q1));
    }

    [Test]
    public async Task The_same_queue_with_another_reason_gets_its_own_entry()
    {
        var channel = await OpenConfirmChannelAsync();
        var q1 = Track(UniqueName("q1"));
        var q2 = Track(UniqueName("q2"));
        await channel.QueueDeclareAsync(q1, false, false, false, Args(("x-max-length", 1), ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", q2)));
        await channel.QueueDeclareAsync(q2, false, false, false, Args(("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", q1)));
        await PublishAsync(channel, q1, "m");
        await RejectNextAsync(channel, q1);
        await RejectNextAsync(channel, q2);
        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(q1) == 1), Is.True);

        // Back in q1, m is pushed out by the length limit: a new (q1, maxlen) entry, newest first.
        await PublishAsync(channel, q1, "pusher");

        var dead = await GetEventuallyAsync(channel, q2);
        Assert.That(Text(dead.Body), Is.EqualTo("m"));
        var deaths = Deaths(dead.BasicProperties);
        Assert.That(deaths, Has.Count.EqualTo(3));
        AssertDeath(deaths[0], count: 1, "maxlen", q1, string.Empty, [q1]);
        Assert.That(deaths.Skip(1).Select(Summary), Is.EquivalentTo(new List<string> { $"{q1} rejected 1", $"{q2} rejected 1" }));
        Assert.That(LongStr(dead.BasicProperties.Headers!["x-first-death-reason"]), Is.EqualTo("rejected"));
    }

    /// <summary>
    /// RabbitMQ 3.10 puts the new or updated entry first and, once the header has two or more entries,
    /// lists the others in reverse of their previous order (its grouping of x-death folds the list into
    /// an accumulator). With three entries this is visible; checked against RabbitMQ 3.10.
    /// </summary>
    [Test]
    public async Task With_three_entries_the_older_ones_are_reordered_as_RabbitMQ_does()
    {
        var channel = await OpenConfirmChannelAsync();
        var q1 = Track(UniqueName("q1"));
        var q2 = Track(UniqueName("q2"));
        await channel.QueueDeclareAsync(q1, false, false, false, Args(("x-max-length", 1), ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", q2)));
        await channel.QueueDeclareAsync(q2, false, false, false, Args(("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", q1)));
        await PublishAsync(channel, q1, "m");
        await RejectNextAsync(channel, q1);
        await RejectNextAsync(channel, q2);
        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(q1) == 1), Is.True);
        await PublishAsync(channel, q1, "pusher");

        var third = await GetEventuallyAsync(channel, q2, autoAck: false);
        Assert.That(Deaths(third.BasicProperties).Select(Summary), Is.EqualTo(new List<string> { $"{q1} maxlen 1", $"{q1} rejected 1", $"{q2} rejected 1" }));
        await channel.BasicRejectAsync(third.DeliveryTag, requeue: false);

        // m goes back to q1 and pushes "pusher" out (to q2); then m is rejected again in q1.
        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(q2) == 1), Is.True);
        var fourth = await GetEventuallyAsync(channel, q1, autoAck: false);
        Assert.That(Text(fourth.Body), Is.EqualTo("m"));
        Assert.That(Deaths(fourth.BasicProperties).Select(Summary), Is.EqualTo(new List<string> { $"{q2} rejected 2", $"{q1} rejected 1", $"{q1} maxlen 1" }));
        await channel.BasicRejectAsync(fourth.DeliveryTag, requeue: false);

        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(q2) == 2), Is.True);
        var pusher = await channel.BasicGetAsync(q2, autoAck: true);
        Assert.That(Text(pusher!.Body), Is.EqualTo("pusher"));
        var fifth = await GetEventuallyAsync(channel, q2);
        Assert.That(Deaths(fifth.BasicProperties).Select(Summary), Is.EqualTo(new List<string> { $"{q1} rejected 2", $"{q1} maxlen 1", $"{q2} rejected 2" }));
    }

    [Test]
    public async Task An_automatic_cycle_is_dropped_at_the_queue_it_would_reenter()
    {
        var channel = await OpenConfirmChannelAsync();
        var loop = await DeclareExchangeAsync(channel, ExchangeType.Fanout, what: "loop");
        var q1 = Track(UniqueName("q1"));
        var q2 = Track(UniqueName("q2"));
        await channel.QueueDeclareAsync(q1, false, false, false, Args(("x-message-ttl", 100), ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", q2)));
        await channel.QueueDeclareAsync(q2, false, false, false, Args(("x-message-ttl", 100), ("x-dead-letter-exchange", loop)));
        var witness = await DeclareQueueAsync(channel, "witness");
        await channel.QueueBindAsync(q1, loop, string.Empty);
        await channel.QueueBindAsync(witness, loop, string.Empty);

        await PublishAsync(channel, q1, "m");

        // q1 -> (expired) q2 -> (expired) loop -> q1 is a cycle of timers: dropped there; the witness still gets it.
        var dead = await GetEventuallyAsync(channel, witness);
        var deaths = Deaths(dead.BasicProperties);
        Assert.That(deaths, Has.Count.EqualTo(2));
        AssertDeath(deaths[0], count: 1, "expired", q2, string.Empty, [q2]);
        AssertDeath(deaths[1], count: 1, "expired", q1, string.Empty, [q1]);
        await Task.Delay(QuietPeriod);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await channel.MessageCountAsync(q1), Is.Zero);
            Assert.That(await channel.MessageCountAsync(q2), Is.Zero);
            Assert.That(await channel.MessageCountAsync(witness), Is.Zero, "the witness saw it exactly once");
        }
    }

    [Test]
    public async Task A_cycle_that_includes_a_rejection_goes_on()
    {
        var channel = await OpenConfirmChannelAsync();
        var q1 = Track(UniqueName("q1"));
        var q2 = Track(UniqueName("q2"));
        await channel.QueueDeclareAsync(q1, false, false, false, Args(("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", q2)));
        await channel.QueueDeclareAsync(q2, false, false, false, Args(("x-message-ttl", 100), ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", q1)));
        await PublishAsync(channel, q1, "m");

        await RejectNextAsync(channel, q1);
        var back = await GetEventuallyAsync(channel, q1, autoAck: false);
        var deaths = Deaths(back.BasicProperties);
        Assert.That(deaths, Has.Count.EqualTo(2));
        AssertDeath(deaths[0], count: 1, "expired", q2, string.Empty, [q2]);
        AssertDeath(deaths[1], count: 1, "rejected", q1, string.Empty, [q1]);

        await channel.BasicRejectAsync(back.DeliveryTag, requeue: false);
        var again = await GetEventuallyAsync(channel, q1);
        deaths = Deaths(again.BasicProperties);
        Assert.That(deaths, Has.Count.EqualTo(2));
        AssertDeath(deaths[0], count: 2, "expired", q2, string.Empty, [q2]);
        AssertDeath(deaths[1], count: 2, "rejected", q1, string.Empty, [q1]);
        Assert.That(LongStr(again.BasicProperties.Headers!["x-first-death-reason"]), Is.EqualTo("rejected"));
    }

    [Test]
    public async Task A_rejected_message_dead_lettered_to_its_own_queue_comes_back_every_time()
    {
        var channel = await OpenConfirmChannelAsync();
        var queue = await DeclareQueueAsync(channel, Args(("x-dead-letter-exchange", string.Empty)));
        await PublishAsync(channel, queue, "m");

        await RejectNextAsync(channel, queue);
        await RejectNextAsync(channel, queue);

        var back = await GetEventuallyAsync(channel, queue);
        var deaths = Deaths(back.BasicProperties);
        Assert.That(deaths, Has.Count.EqualTo(1));
        AssertDeath(deaths[0], count: 2, "rejected", queue, string.Empty, [queue]);
    }

    [Test]
    public async Task A_message_expiring_back_into_its_own_queue_is_dropped_at_once()
    {
        // The cycle check sees the header with this death already added: the first expiry is a cycle.
        var channel = await OpenConfirmChannelAsync();
        var (dlx, witness) = await DeclareFanoutDeadLetterTargetAsync(channel);
        var queue = await DeclareQueueAsync(channel, Args(("x-message-ttl", 100), ("x-dead-letter-exchange", dlx)));
        await channel.QueueBindAsync(queue, dlx, string.Empty);
        await PublishAsync(channel, queue, "m");

        var dead = await GetEventuallyAsync(channel, witness);
        await Task.Delay(QuietPeriod);

        AssertDeath(Deaths(dead.BasicProperties)[0], count: 1, "expired", queue, string.Empty, [queue]);
        Assert.That(await channel.MessageCountAsync(queue), Is.Zero);
        Assert.That(await channel.MessageCountAsync(witness), Is.Zero);
    }

    [Test]
    public async Task A_missing_dead_letter_exchange_drops_the_message_silently()
    {
        var channel = await OpenConfirmChannelAsync();
        var queue = await DeclareQueueAsync(channel, Args(("x-dead-letter-exchange", UniqueName("missing"))));
        await PublishAsync(channel, queue, "m");

        await RejectNextAsync(channel, queue);

        Assert.That(await channel.MessageCountAsync(queue), Is.Zero);
        Assert.That(channel.IsOpen, Is.True);
    }

    [Test]
    public async Task Without_a_dead_letter_exchange_a_rejected_message_is_dropped()
    {
        var channel = await OpenConfirmChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await PublishAsync(channel, queue, "m");

        await RejectNextAsync(channel, queue);

        Assert.That(await channel.MessageCountAsync(queue), Is.Zero);
    }

    [Test]
    public async Task A_fanout_dead_letter_exchange_reaches_every_bound_queue()
    {
        var channel = await OpenConfirmChannelAsync();
        var (dlx, first) = await DeclareFanoutDeadLetterTargetAsync(channel);
        var second = await DeclareQueueAsync(channel, "dlq2");
        await channel.QueueBindAsync(second, dlx, string.Empty);
        var queue = await DeclareQueueAsync(channel, Args(("x-dead-letter-exchange", dlx)));
        await PublishAsync(channel, queue, "m");

        await RejectNextAsync(channel, queue);

        var a = await GetEventuallyAsync(channel, first);
        var b = await GetEventuallyAsync(channel, second);
        Assert.That(new List<string> { Text(a.Body), Text(b.Body) }, Is.EqualTo(new List<string> { "m", "m" }));
    }

    private static void AssertDeath(object? entry, long count, string reason, string queue, string exchange, string[] routingKeys)
    {
        Assert.That(entry, Is.InstanceOf<IDictionary<string, object?>>(), "an x-death entry is a table");
        var death = (IDictionary<string, object?>)entry!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(death.TryGetValue("count", out var c) ? c : null, Is.TypeOf<long>().And.EqualTo(count), "count is a long");
            Assert.That(LongStr(death.TryGetValue("reason", out var r) ? r : null), Is.EqualTo(reason));
            Assert.That(LongStr(death.TryGetValue("queue", out var q) ? q : null), Is.EqualTo(queue));
            Assert.That(LongStr(death.TryGetValue("exchange", out var e) ? e : null), Is.EqualTo(exchange));
            var keys = death.TryGetValue("routing-keys", out var k) ? k : null;
            Assert.That(keys, Is.InstanceOf<IList<object?>>(), "routing-keys is an array");
            if (keys is IList<object?> list)
            {
                Assert.That(list.Select(LongStr), Is.EqualTo(routingKeys));
            }

            var time = death.TryGetValue("time", out var t) ? t : null;
            Assert.That(time, Is.TypeOf<AmqpTimestamp>(), "time is a timestamp");
            if (time is AmqpTimestamp timestamp)
            {
                Assert.That(timestamp.UnixTime, Is.EqualTo(DateTimeOffset.UtcNow.ToUnixTimeSeconds()).Within(10), "seconds since the epoch");
            }
        }
    }

    /// <summary>"queue reason count" of one x-death entry.</summary>
    private static string Summary(object? entry)
    {
        var death = (IDictionary<string, object?>)entry!;
        return $"{LongStr(death["queue"])} {LongStr(death["reason"])} {death["count"]}";
    }

    private static IList<object?> Deaths(IReadOnlyBasicProperties properties)
    {
        Assert.That(properties.Headers, Is.Not.Null.And.ContainKey("x-death"));
        var deaths = properties.Headers!["x-death"];
        Assert.That(deaths, Is.InstanceOf<IList<object?>>(), "x-death is an array");
        return (IList<object?>)deaths!;
    }

    private static async Task RejectNextAsync(IChannel channel, string queue)
    {
        var got = await GetEventuallyAsync(channel, queue, autoAck: false);
        await channel.BasicRejectAsync(got.DeliveryTag, requeue: false);
    }

    private async Task<(string Exchange, string Queue)> DeclareFanoutDeadLetterTargetAsync(IChannel channel)
    {
        var dlx = TrackExchange(UniqueName("dlx"));
        await channel.ExchangeDeclareAsync(dlx, ExchangeType.Fanout);
        var deadLetters = await DeclareQueueAsync(channel, "dlq");
        await channel.QueueBindAsync(deadLetters, dlx, string.Empty);
        return (dlx, deadLetters);
    }
}
