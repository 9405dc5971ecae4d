namespace AmqpBroker.InteropTests.Amqp.Basic;

/// <summary>basic.get: get-ok and its counts, get-empty, auto-ack, a missing queue, and the blank queue name.</summary>
public sealed class GetTests : BrokerTestBase
{
    [Test]
    public async Task Published_message_is_fetched_by_basic_get_with_its_routing_information()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        await PublishAsync(channel, queue, "first", "second");

        var first = await GetEventuallyAsync(channel, queue, autoAck: true);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Text(first.Body), Is.EqualTo("first"));
            Assert.That(first.Exchange, Is.Empty);
            Assert.That(first.RoutingKey, Is.EqualTo(queue));
            Assert.That(first.Redelivered, Is.False);
            Assert.That(first.DeliveryTag, Is.EqualTo(1ul));
            Assert.That(first.MessageCount, Is.EqualTo(1u), "get-ok message-count: messages left in the queue");
        }

        var second = await channel.BasicGetAsync(queue, autoAck: true);
        Assert.That(second, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Text(second!.Body), Is.EqualTo("second"));
            Assert.That(second.DeliveryTag, Is.EqualTo(2ul));
            Assert.That(second.MessageCount, Is.Zero);
        }
    }

    [Test]
    public async Task Get_reports_the_messages_left_and_get_empty_when_none()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions);
        await PublishAsync(channel, queue, "m0", "m1", "m2");

        var results = new List<(string Body, uint Left, ulong Tag, bool Redelivered)>();
        for (var i = 0; i < 3; i++)
        {
            var got = await channel.BasicGetAsync(queue, autoAck: false);
            Assert.That(got, Is.Not.Null, $"get {i}");
            results.Add((Text(got!.Body), got.MessageCount, got.DeliveryTag, got.Redelivered));
        }

        Assert.That(results, Is.EqualTo(new[] { ("m0", 2u, 1UL, false), ("m1", 1u, 2UL, false), ("m2", 0u, 3UL, false) }));
        Assert.That(await channel.BasicGetAsync(queue, autoAck: false), Is.Null, "get-empty");

        // Unacked gets are not counted as ready; acking all of them with multiple empties the queue for good.
        Assert.That(await channel.MessageCountAsync(queue), Is.Zero);
        await channel.BasicAckAsync(3, multiple: true);
        await channel.CloseAsync();

        var check = await OpenChannelAsync();
        Assert.That(await check.MessageCountAsync(queue), Is.Zero);
    }

    [Test]
    public async Task Get_with_auto_ack_removes_the_message_at_once()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync(ConfirmOptions);
        var queue = await DeclareQueueAsync(channel);
        await PublishAsync(channel, queue, "only");

        var got = await channel.BasicGetAsync(queue, autoAck: true);
        Assert.That((got is null ? null : Text(got.Body), got?.MessageCount), Is.EqualTo(("only", (uint?)0)));
        await channel.CloseAsync();

        var check = await connection.CreateChannelAsync();
        Assert.That(await check.BasicGetAsync(queue, autoAck: true), Is.Null, "nothing to requeue after an auto-ack get");
    }

    [Test]
    public async Task Basic_get_on_an_empty_queue_answers_get_empty()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();

        var result = await channel.BasicGetAsync(queue, autoAck: true);

        Assert.That(result, Is.Null);
        Assert.That(channel.IsOpen, Is.True);
    }

    [Test]
    public async Task Basic_get_on_a_missing_queue_closes_the_channel_with_NOT_FOUND()
    {
        var channel = await OpenChannelAsync();
        var queue = UniqueName("missing");

        await ExpectClosedAsync(() => channel.BasicGetAsync(queue, autoAck: true), 404, $"NOT_FOUND - no queue '{queue}' in vhost '/'");
    }

    [Test]
    public async Task An_empty_queue_name_means_the_channels_last_declared_queue()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        await PublishAsync(channel, queue, "via last declared");

        var got = await GetEventuallyAsync(channel, string.Empty, autoAck: true);

        Assert.That((Text(got.Body), got.RoutingKey), Is.EqualTo(("via last declared", queue)));
        var consumer = await ConsumeAsync(channel, string.Empty, autoAck: true);
        await PublishAsync(channel, queue, "consumed");
        Assert.That((await consumer.NextAsync(Timeout)).Text, Is.EqualTo("consumed"));
    }

    [Test]
    public async Task An_empty_queue_name_without_a_declared_queue_is_NOT_FOUND()
    {
        var getChannel = await OpenChannelAsync();
        var consumeChannel = await OpenChannelAsync();

        await ExpectClosedAsync(() => getChannel.BasicGetAsync(string.Empty, autoAck: true), 404, "NOT_FOUND - no previously declared queue");
        await ExpectClosedAsync(() => consumeChannel.BasicConsumeAsync(string.Empty, autoAck: true, new CollectingConsumer(consumeChannel)), 404, "NOT_FOUND - no previously declared queue");
    }
}
