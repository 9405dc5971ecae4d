namespace AmqpBroker.InteropTests.QueueFeatures;

/// <summary>
/// Message TTL: the queue's x-message-ttl and the message's own expiration property (the lower wins),
/// expiry without a consumer, dead-lettering with reason <c>expired</c> and TTL 0 ("now or never"). RabbitMQ's 406
/// for an expiration that is not a non-negative integer is checked with the other publish errors in PublishTests.
/// </summary>
public sealed class MessageTtlTests : BrokerTestBase
{
    [Test]
    public async Task Queue_ttl_removes_messages_without_a_consumer()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions, Args(("x-message-ttl", 100)));

        await PublishAsync(channel, queue, "m1", "m2", "m3");

        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(queue) == 0), Is.True, "the broker drops expired messages on its own");
        Assert.That(await channel.BasicGetAsync(queue, autoAck: true), Is.Null);
    }

    [Test]
    public async Task An_expired_message_is_never_delivered_to_a_later_consumer()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions, Args(("x-message-ttl", 100)));

        await ExpectALaterConsumerToGetOnlyTheNextAsync(channel, queue, gone: "old", next: "new");
    }

    [Test]
    public async Task Messages_within_the_queue_ttl_are_delivered()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions, Args(("x-message-ttl", 60_000)));
        await PublishAsync(channel, queue, "m1", "m2");

        var first = await channel.BasicGetAsync(queue, autoAck: true);
        var second = await channel.BasicGetAsync(queue, autoAck: true);

        Assert.That(new List<string?> { first is null ? null : Text(first.Body), second is null ? null : Text(second.Body) }, Is.EqualTo(new List<string> { "m1", "m2" }));
    }

    [Test]
    public async Task Per_message_expiration_removes_the_message_without_a_consumer()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions);

        // The short-lived message goes first: RabbitMQ drops per-message-TTL messages when they reach the head.
        await PublishWithAsync(channel, queue, "short", new BasicProperties { Expiration = "100" });
        await PublishAsync(channel, queue, "forever");

        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(queue) == 1), Is.True);
        var got = await channel.BasicGetAsync(queue, autoAck: true);
        Assert.That(got is null ? null : Text(got.Body), Is.EqualTo("forever"));
    }

    [Test]
    public async Task An_expired_message_behind_a_live_one_is_never_delivered()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions);
        await PublishAsync(channel, queue, "first");
        await PublishWithAsync(channel, queue, "short", new BasicProperties { Expiration = "100" });
        await PublishAsync(channel, queue, "last");
        await Task.Delay(QuietPeriod);

        var consumer = await ConsumeAsync(channel, queue, autoAck: true);

        var deliveries = await consumer.TakeAsync(2, Timeout);
        Assert.That(deliveries.Select(d => d.Text), Is.EqualTo(new List<string> { "first", "last" }));
        Assert.That(await consumer.AnyWithinAsync(QuietPeriod), Is.False);
    }

    [Test]
    public async Task The_message_expiration_wins_when_lower_than_the_queue_ttl()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions, Args(("x-message-ttl", 60_000)));

        await PublishWithAsync(channel, queue, "short", new BasicProperties { Expiration = "100" });

        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(queue) == 0), Is.True);
    }

    [Test]
    public async Task The_queue_ttl_wins_when_lower_than_the_message_expiration()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions, Args(("x-message-ttl", 100)));

        await PublishWithAsync(channel, queue, "long", new BasicProperties { Expiration = "60000" });

        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(queue) == 0), Is.True);
    }

    [Test]
    public async Task An_expired_message_is_dead_lettered_with_reason_expired()
    {
        var (channel, queue, deadLetters) = await OpenChannelWithDeadLetteringQueueAsync(("x-message-ttl", 100));
        var consumer = await ConsumeAsync(channel, deadLetters, autoAck: true);

        await PublishAsync(channel, queue, "doomed");

        var delivery = await consumer.NextAsync(Timeout);
        var death = (IDictionary<string, object?>)((IList<object?>)delivery.Properties.Headers!["x-death"]!)[0]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(delivery.Text, Is.EqualTo("doomed"));
            Assert.That(delivery.RoutingKey, Is.EqualTo(deadLetters));
            Assert.That(LongStr(death["reason"]), Is.EqualTo("expired"));
            Assert.That(LongStr(death["queue"]), Is.EqualTo(queue));
            Assert.That(LongStr(delivery.Properties.Headers["x-first-death-reason"]), Is.EqualTo("expired"));
        }
    }

    [Test]
    public async Task A_ttl_of_zero_delivers_to_a_waiting_consumer()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions, Args(("x-message-ttl", 0)));
        var consumer = await ConsumeAsync(channel, queue, autoAck: true);

        await PublishAsync(channel, queue, "now");

        Assert.That((await consumer.NextAsync(Timeout)).Text, Is.EqualTo("now"));
    }

    [Test]
    public async Task A_ttl_of_zero_drops_the_message_when_nobody_can_take_it_at_once()
    {
        var (channel, queue, deadLetters) = await OpenChannelWithDeadLetteringQueueAsync(("x-message-ttl", 0));

        await PublishAsync(channel, queue, "never");

        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(deadLetters) == 1), Is.True, "dead-lettered as expired");
        Assert.That(await channel.MessageCountAsync(queue), Is.Zero);
        var consumer = await ConsumeAsync(channel, queue, autoAck: true);
        Assert.That(await consumer.AnyWithinAsync(QuietPeriod), Is.False);
    }

    [Test]
    public async Task An_expiration_of_zero_delivers_to_a_waiting_consumer_and_otherwise_drops()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions);

        await PublishWithAsync(channel, queue, "nobody there", new BasicProperties { Expiration = "0" });
        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(queue) == 0), Is.True);

        var consumer = await ConsumeAsync(channel, queue, autoAck: true);
        await PublishWithAsync(channel, queue, "taken", new BasicProperties { Expiration = "0" });

        Assert.That((await consumer.NextAsync(Timeout)).Text, Is.EqualTo("taken"));
        Assert.That(await consumer.AnyWithinAsync(QuietPeriod), Is.False);
    }

    [Test]
    public async Task A_ttl_of_zero_expires_when_the_consumer_has_no_credit()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var queue = await DeclareQueueAsync(channel, Args(("x-message-ttl", 0)));
        await channel.BasicQosAsync(0, 1, global: false);
        var consumer = await ConsumeAsync(channel, queue);

        await PublishAsync(channel, queue, "m1", "m2");
        var first = await consumer.NextAsync(Timeout);
        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(queue) == 0), Is.True);
        await channel.BasicAckAsync(first.DeliveryTag, multiple: false);

        Assert.That(first.Text, Is.EqualTo("m1"));
        Assert.That(await consumer.AnyWithinAsync(QuietPeriod), Is.False, "m2 could not be delivered at once, so it expired");
    }

    [Test]
    public async Task A_requeued_message_keeps_its_original_expiry()
    {
        var (channel, queue, deadLetters) = await OpenChannelWithDeadLetteringQueueAsync(("x-message-ttl", 100));
        await PublishAsync(channel, queue, "m");
        var got = await channel.BasicGetAsync(queue, autoAck: false);
        Assert.That(got, Is.Not.Null);

        // Held past its TTL, then handed back.
        await Task.Delay(QuietPeriod);
        await channel.BasicNackAsync(got!.DeliveryTag, multiple: false, requeue: true);

        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(deadLetters) == 1), Is.True);
        var dead = await channel.BasicGetAsync(deadLetters, autoAck: true);
        var death = (IDictionary<string, object?>)((IList<object?>)dead!.BasicProperties.Headers!["x-death"]!)[0]!;
        Assert.That(LongStr(death["reason"]), Is.EqualTo("expired"));
        Assert.That(await channel.MessageCountAsync(queue), Is.Zero);
    }

    [Test]
    public async Task An_unacked_message_does_not_expire_while_its_consumer_holds_it()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions, Args(("x-message-ttl", 100)));
        var consumer = await ConsumeAsync(channel, queue);
        await PublishAsync(channel, queue, "held");
        var delivery = await consumer.NextAsync(Timeout);
        await Task.Delay(QuietPeriod);

        await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);

        // The ack of a message past its TTL is still valid: the channel stays open.
        Assert.That(await channel.MessageCountAsync(queue), Is.Zero);
        Assert.That(channel.IsOpen, Is.True);
    }

    private static async Task PublishWithAsync(IChannel channel, string queue, string body, BasicProperties properties) =>
        await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, properties, Encoding.UTF8.GetBytes(body));
}
