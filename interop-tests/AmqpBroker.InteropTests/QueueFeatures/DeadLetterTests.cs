namespace AmqpBroker.InteropTests.QueueFeatures;

/// <summary>
/// Dead-lettering: x-dead-letter-exchange and -routing-key, the reasons (rejected, expired, maxlen), what the
/// republished message keeps and loses, and the x-death header's exact shape and types (count a long, time a
/// timestamp, strings as longstr, routing-keys an array) with the x-first-death-* headers.
/// </summary>
public sealed class DeadLetterTests : DeadLetterTestBase
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
        var consumer = await ConsumeAsync(channel, deadLetters, autoAck: true);

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
        var consumer = await ConsumeAsync(channel, queue);
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
        var consumer = await ConsumeAsync(channel, deadLetters, autoAck: true);

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
    public async Task A_missing_dead_letter_exchange_drops_the_message_silently()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions, Args(("x-dead-letter-exchange", UniqueName("missing"))));
        await PublishAsync(channel, queue, "m");

        await RejectNextAsync(channel, queue);

        Assert.That(await channel.MessageCountAsync(queue), Is.Zero);
        Assert.That(channel.IsOpen, Is.True);
    }

    [Test]
    public async Task Without_a_dead_letter_exchange_a_rejected_message_is_dropped()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions);
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
}
