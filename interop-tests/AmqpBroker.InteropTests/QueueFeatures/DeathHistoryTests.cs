namespace AmqpBroker.InteropTests.QueueFeatures;

/// <summary>
/// The history x-death keeps over repeated deaths: newest first, one entry per queue and reason with its
/// count, RabbitMQ 3.10's order of the older entries, and its cycle rule (an automatic cycle is dropped,
/// one that involves a rejection goes on).
/// </summary>
public sealed class DeathHistoryTests : DeadLetterTestBase
{
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
        var (q1, q2) = await DeclareDeadLetterPairAsync(channel);
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
        // Rejected in q1 and q2, then pushed out of q1 by the length limit: a new (q1, maxlen) entry, newest first.
        var (q1, q2) = await ThirdDeathByMaxLengthAsync(channel);

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
        var (q1, q2) = await ThirdDeathByMaxLengthAsync(channel);

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
        var (q1, q2) = await DeclareDeadLetterPairAsync(channel, q2Arguments: [("x-message-ttl", 100)]);
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
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions, Args(("x-dead-letter-exchange", string.Empty)));
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

    /// <summary>
    /// q1 (x-max-length 1) and q2 dead-letter into each other; m is rejected in q1, then in q2, and back in q1 is
    /// pushed out by "pusher": m waits in q2 with three deaths.
    /// </summary>
    private async Task<(string Q1, string Q2)> ThirdDeathByMaxLengthAsync(IChannel channel)
    {
        var (q1, q2) = await DeclareDeadLetterPairAsync(channel, q1Arguments: [("x-max-length", 1)]);
        await PublishAsync(channel, q1, "m");
        await RejectNextAsync(channel, q1);
        await RejectNextAsync(channel, q2);
        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(q1) == 1), Is.True);
        await PublishAsync(channel, q1, "pusher");
        return (q1, q2);
    }
}
