namespace AmqpBroker.InteropTests.Amqp.Basic;

/// <summary>
/// basic.consume and basic.cancel: consumer tags, round-robin, exclusive consumers and queues, consumer
/// cancel notifications, and what happens to deliveries when the channel or connection closes.
/// </summary>
public sealed class ConsumeTests : BrokerTestBase
{
    [Test]
    public async Task Consume_without_a_tag_gets_a_server_generated_amq_ctag()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        var consumer = new CollectingConsumer(channel);

        var tag = await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        await PublishAsync(channel, queue, "hello");
        var delivery = await consumer.NextAsync(Timeout);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(tag, Does.StartWith("amq.ctag-"));
            Assert.That(tag, Has.Length.GreaterThan("amq.ctag-".Length));
            Assert.That(delivery.ConsumerTag, Is.EqualTo(tag));
            Assert.That(delivery.Text, Is.EqualTo("hello"));
            Assert.That(delivery.Redelivered, Is.False);
            Assert.That(delivery.Exchange, Is.Empty);
            Assert.That(delivery.RoutingKey, Is.EqualTo(queue));
        }

        var second = new CollectingConsumer(channel);
        var otherTag = await channel.BasicConsumeAsync(queue, autoAck: true, second);
        Assert.That(otherTag, Is.Not.EqualTo(tag), "generated tags are unique");
    }

    [Test]
    public async Task Consume_with_a_client_tag_uses_it()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        var consumer = new CollectingConsumer(channel);

        var tag = await channel.BasicConsumeAsync(queue, autoAck: true, "my-tag", consumer);
        await PublishAsync(channel, queue, "hello");

        Assert.That(tag, Is.EqualTo("my-tag"));
        Assert.That((await consumer.NextAsync(Timeout)).ConsumerTag, Is.EqualTo("my-tag"));
    }

    [Test]
    public async Task Reusing_a_consumer_tag_on_a_channel_closes_the_connection_with_NOT_ALLOWED()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await channel.BasicConsumeAsync(queue, autoAck: true, "dup", new CollectingConsumer(channel));

        await ExpectClosedAsync(() => channel.BasicConsumeAsync(queue, autoAck: true, "dup", new CollectingConsumer(channel)), 530, "NOT_ALLOWED - attempt to reuse consumer tag 'dup'");

        Assert.That(await EventuallyAsync(() => Task.FromResult(!connection.IsOpen)), Is.True, "530 is a connection error");
        Assert.That(connection.CloseReason?.ReplyCode, Is.EqualTo(530));
    }

    [Test]
    public async Task The_same_consumer_tag_may_be_used_on_different_channels()
    {
        var connection = await ConnectAsync();
        var one = await connection.CreateChannelAsync();
        var two = await connection.CreateChannelAsync();
        var queue = await DeclareQueueAsync(one);

        await one.BasicConsumeAsync(queue, autoAck: true, "same", new CollectingConsumer(one));
        await two.BasicConsumeAsync(queue, autoAck: true, "same", new CollectingConsumer(two));

        Assert.That(await one.ConsumerCountAsync(queue), Is.EqualTo(2u));
    }

    [Test]
    public async Task Consume_with_a_non_integer_x_priority_is_PRECONDITION_FAILED()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();

        await ExpectClosedAsync(() => channel.BasicConsumeAsync(
            queue, autoAck: true, consumerTag: string.Empty, noLocal: false, exclusive: false, new Dictionary<string, object?> { ["x-priority"] = "high" }, new CollectingConsumer(channel)), 406, $"PRECONDITION_FAILED - invalid arg 'x-priority' for queue '{queue}' in vhost '/': \"expected integer, got longstr\"");
    }

    [Test]
    public async Task Consumer_count_follows_consume_and_cancel()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();

        var first = await channel.BasicConsumeAsync(queue, autoAck: false, new CollectingConsumer(channel));
        var second = await channel.BasicConsumeAsync(queue, autoAck: false, new CollectingConsumer(channel));
        Assert.That((await channel.QueueDeclarePassiveAsync(queue)).ConsumerCount, Is.EqualTo(2));

        await channel.BasicCancelAsync(first);
        Assert.That(await channel.ConsumerCountAsync(queue), Is.EqualTo(1));
        await channel.BasicCancelAsync(second);
        Assert.That(await channel.ConsumerCountAsync(queue), Is.Zero);
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Messages_are_distributed_round_robin_across_consumers(bool onOneChannel)
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        var secondChannel = onOneChannel ? channel : await connection.CreateChannelAsync();
        var first = new CollectingConsumer(channel);
        var second = new CollectingConsumer(secondChannel);
        await channel.BasicConsumeAsync(queue, autoAck: true, "c1", first);
        await secondChannel.BasicConsumeAsync(queue, autoAck: true, "c2", second);

        var publisher = await connection.CreateChannelAsync();
        await PublishAsync(publisher, queue, Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());

        var a = (await first.TakeAsync(5, Timeout)).Select(d => d.Text).ToList();
        var b = (await second.TakeAsync(5, Timeout)).Select(d => d.Text).ToList();
        await Task.Delay(QuietPeriod);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Received + second.Received, Is.EqualTo(10));
            Assert.That(a.Concat(b).Order(), Is.EquivalentTo(Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            Assert.That(new[] { a, b }, Has.One.EqualTo(Texts("0", "2", "4", "6", "8")), "strict alternation");
            Assert.That(new[] { a, b }, Has.One.EqualTo(Texts("1", "3", "5", "7", "9")), "strict alternation");
        }
    }

    [Test]
    public async Task Basic_cancel_stops_deliveries_and_leaves_messages_in_the_queue()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        var consumer = new CollectingConsumer(channel);
        var tag = await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        await PublishAsync(channel, queue, "before");
        Assert.That((await consumer.NextAsync(Timeout)).Text, Is.EqualTo("before"));

        await channel.BasicCancelAsync(tag);
        Assert.That(await consumer.CancelOk.WaitAsync(Timeout), Is.EqualTo(tag));
        await PublishAsync(channel, queue, "after");

        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(queue) == 1), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await consumer.AnyWithinAsync(QuietPeriod), Is.False, "no delivery after basic.cancel");
            Assert.That(await channel.ConsumerCountAsync(queue), Is.Zero);
            Assert.That(consumer.ServerCancelled.IsCompleted, Is.False);
        }
    }

    [Test]
    public async Task Cancel_of_an_unknown_consumer_tag_is_answered_with_cancel_ok()
    {
        var channel = await OpenChannelAsync();

        await channel.BasicCancelAsync("no-such-consumer").WaitAsync(Timeout);

        Assert.That(channel.IsOpen, Is.True);
    }

    [Test]
    public async Task Deleting_a_consumed_queue_sends_basic_cancel_to_the_consumer()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        var consumer = new CollectingConsumer(channel);
        var tag = await channel.BasicConsumeAsync(queue, autoAck: false, consumer);

        var other = await OpenChannelAsync();
        await other.QueueDeleteAsync(queue);

        Assert.That(await consumer.ServerCancelled.WaitAsync(Timeout), Is.EqualTo(tag));
        Assert.That(channel.IsOpen, Is.True, "a consumer cancel notification does not close the channel");
        await DeclareQueueAsync(channel);
    }

    [Test]
    public async Task A_second_consumer_on_a_queue_with_an_exclusive_consumer_is_refused()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        await channel.BasicConsumeAsync(queue, autoAck: true, consumerTag: "exclusive", noLocal: false, exclusive: true, arguments: null, new CollectingConsumer(channel));

        var other = await OpenChannelAsync();
        await ExpectClosedAsync(() => other.BasicConsumeAsync(queue, autoAck: true, new CollectingConsumer(other)), 403, $"ACCESS_REFUSED - queue '{queue}' in vhost '/' in exclusive use");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(channel.IsOpen, Is.True);
            Assert.That(await channel.ConsumerCountAsync(queue), Is.EqualTo(1u));
        }
    }

    [Test]
    public async Task An_exclusive_consume_on_a_queue_that_has_consumers_is_refused()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        await channel.BasicConsumeAsync(queue, autoAck: true, new CollectingConsumer(channel));

        var other = await OpenChannelAsync();
        await ExpectClosedAsync(() =>
            other.BasicConsumeAsync(queue, autoAck: true, consumerTag: string.Empty, noLocal: false, exclusive: true, arguments: null, new CollectingConsumer(other)), 403, $"ACCESS_REFUSED - queue '{queue}' in vhost '/' in exclusive use");
    }

    [Test]
    public async Task An_exclusive_consumer_gets_every_message_and_frees_the_queue_when_cancelled()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        var exclusive = new CollectingConsumer(channel);
        await channel.BasicConsumeAsync(queue, autoAck: true, consumerTag: "ex", noLocal: false, exclusive: true, arguments: null, exclusive);
        await PublishAsync(channel, queue, "1", "2");
        Assert.That((await exclusive.TakeAsync(2, Timeout)).Select(d => d.Text), Is.EqualTo(Texts("1", "2")));

        await channel.BasicCancelAsync("ex");
        var other = await OpenChannelAsync();
        var next = await ConsumeAsync(other, queue, autoAck: true);
        await PublishAsync(channel, queue, "3");

        Assert.That((await next.NextAsync(Timeout)).Text, Is.EqualTo("3"));
    }

    /// <remarks>
    /// With a long queue name RabbitMQ's text passes 255 characters: RabbitMQ cuts it to 252 and appends "...".
    /// </remarks>
    [TestCase(false)]
    [TestCase(true)]
    public async Task Consume_or_get_on_another_connections_exclusive_queue_is_RESOURCE_LOCKED(bool longName)
    {
        var owner = await OpenChannelAsync();
        var queue = Track(longName ? UniqueName("exclusive") : "excl-" + Guid.NewGuid().ToString("N")[..8]);
        await owner.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: false);
        var consumeChannel = await OpenChannelAsync();
        var getChannel = await OpenChannelAsync();

        var text = $"RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '{queue}' in vhost '/'. It could be originally "
            + "declared on another connection or the exclusive property value does not match that of the original declaration.";
        if (text.Length > 255)
        {
            text = text[..252] + "...";
        }

        await ExpectClosedAsync(() => consumeChannel.BasicConsumeAsync(queue, autoAck: true, new CollectingConsumer(consumeChannel)), 405, text);
        await ExpectClosedAsync(() => getChannel.BasicGetAsync(queue, autoAck: true), 405, text);
    }

    [Test]
    public async Task Unacked_messages_are_requeued_in_order_and_redelivered_when_the_channel_closes()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync(ConfirmOptions);
        var queue = await DeclareQueueAsync(channel);
        await PublishAsync(channel, queue, "first", "second", "third", "fourth");

        var fromGet = await channel.BasicGetAsync(queue, autoAck: false);
        Assert.That(fromGet is null ? null : Text(fromGet.Body), Is.EqualTo("first"));
        var consumer = await ConsumeAsync(channel, queue);
        var delivered = await consumer.TakeAsync(3, Timeout);
        Assert.That(delivered.Select(d => (d.Text, d.Redelivered)), Is.EqualTo(new[] { ("second", false), ("third", false), ("fourth", false) }));

        await channel.CloseAsync();

        var again = await connection.CreateChannelAsync();
        Assert.That(await again.MessageCountAsync(queue), Is.EqualTo(4));
        var redelivered = await ConsumeAsync(again, queue, autoAck: true);
        var second = await redelivered.TakeAsync(4, Timeout);
        Assert.That(
            second.Select(d => (d.Text, d.Redelivered)),
            Is.EqualTo(new[] { ("first", true), ("second", true), ("third", true), ("fourth", true) }));
    }

    [Test]
    public async Task Unacked_deliveries_are_requeued_as_redelivered_when_the_connection_closes()
    {
        // Confirmed publishes: both messages are in the queue before the other connection asks for them.
        var (observer, queue) = await OpenChannelWithQueueAsync(ConfirmOptions);
        await PublishAsync(observer, queue, "a", "b");

        var (connection, channel) = await ConnectWithChannelAsync();
        var first = await channel.BasicGetAsync(queue, autoAck: false);
        var second = await channel.BasicGetAsync(queue, autoAck: false);
        Assert.That(new[] { first, second }, Is.All.Not.Null);
        Assert.That(await observer.MessageCountAsync(queue), Is.Zero);

        await connection.CloseAsync();

        Assert.That(await EventuallyAsync(async () => await observer.MessageCountAsync(queue) == 2), Is.True);
        var again = await GetEventuallyAsync(observer, queue, count: 2, autoAck: true);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(again.Select(r => Text(r.Body)), Is.EqualTo(Texts("a", "b")));
            Assert.That(again.Select(r => r.Redelivered), Is.All.True);
        }
    }

    [Test]
    public async Task Auto_acked_deliveries_are_not_requeued_when_the_channel_closes()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await PublishAsync(channel, queue, "gone");
        var consumer = await ConsumeAsync(channel, queue, autoAck: true);
        await consumer.NextAsync(Timeout);

        await channel.CloseAsync();

        var other = await connection.CreateChannelAsync();
        await Task.Delay(QuietPeriod);
        Assert.That(await other.MessageCountAsync(queue), Is.Zero);
    }
}
