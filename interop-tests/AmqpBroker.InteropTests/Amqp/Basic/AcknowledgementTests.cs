namespace AmqpBroker.InteropTests.Amqp.Basic;

/// <summary>
/// basic.ack/nack/reject: single and multiple, with and without requeue, where requeued messages go and
/// how they are flagged, and settling deliveries whose consumer or queue is gone.
/// </summary>
public sealed class AcknowledgementTests : BrokerTestBase
{
    [Test]
    public async Task Ack_of_one_delivery_removes_only_that_message()
    {
        var (channel, queue, consumer) = await PublishAndConsumeAsync("1", "2", "3");
        var deliveries = await consumer.TakeAsync(3, Timeout);

        await channel.BasicAckAsync(deliveries[1].DeliveryTag, multiple: false);

        Assert.That(await RequeuedAfterCloseAsync(channel, queue), Is.EqualTo(Texts("1", "3")));
    }

    [Test]
    public async Task Ack_multiple_removes_every_delivery_up_to_the_tag()
    {
        var (channel, queue, consumer) = await PublishAndConsumeAsync("1", "2", "3");
        var deliveries = await consumer.TakeAsync(3, Timeout);

        await channel.BasicAckAsync(deliveries[1].DeliveryTag, multiple: true);

        Assert.That(await RequeuedAfterCloseAsync(channel, queue), Is.EqualTo(Texts("3")));
    }

    [Test]
    public async Task Ack_multiple_with_tag_zero_acknowledges_everything_outstanding()
    {
        var (channel, queue, consumer) = await PublishAndConsumeAsync("1", "2", "3");
        await consumer.TakeAsync(3, Timeout);

        await channel.BasicAckAsync(0, multiple: true);

        Assert.That(await RequeuedAfterCloseAsync(channel, queue), Is.Empty);
    }

    [Test]
    public async Task Ack_multiple_covers_deliveries_from_every_consumer_of_the_channel()
    {
        var channel = await OpenChannelAsync();
        var q1 = await DeclareQueueAsync(channel, "a");
        var q2 = await DeclareQueueAsync(channel, "b");
        var c1 = new CollectingConsumer(channel);
        var c2 = new CollectingConsumer(channel);
        await channel.BasicConsumeAsync(q1, autoAck: false, c1);
        await channel.BasicConsumeAsync(q2, autoAck: false, c2);
        await PublishAsync(channel, q1, "a1", "a2");
        await PublishAsync(channel, q2, "b1", "b2");
        var all = (await c1.TakeAsync(2, Timeout)).Concat(await c2.TakeAsync(2, Timeout)).ToList();
        Assert.That(all.Select(d => d.DeliveryTag), Is.EquivalentTo(new ulong[] { 1, 2, 3, 4 }), "one tag sequence per channel");

        await channel.BasicAckAsync(all.Max(d => d.DeliveryTag), multiple: true);
        await channel.CloseAsync();

        var other = await OpenChannelAsync();
        await Task.Delay(QuietPeriod);
        Assert.That((await other.MessageCountAsync(q1), await other.MessageCountAsync(q2)), Is.EqualTo((0u, 0u)));
    }

    [Test]
    public async Task Consume_then_ack_multiple_and_single_requeues_only_the_rest_on_close()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync(ConfirmOptions);
        var queue = await DeclareQueueAsync(channel);
        await PublishAsync(channel, queue, [.. Enumerable.Range(0, 10).Select(i => $"m{i}")]);

        var consumer = await ConsumeAsync(channel, queue);
        var deliveries = await consumer.TakeAsync(10, Timeout);
        Assert.That(deliveries.Select(d => (d.DeliveryTag, d.Text, d.Redelivered)), Is.EqualTo(Enumerable.Range(0, 10).Select(i => ((ulong)(i + 1), $"m{i}", false))));
        Assert.That(await consumer.AnyWithinAsync(QuietPeriod), Is.False, "ten messages, ten deliveries");

        await channel.BasicAckAsync(4, multiple: true);    // m0..m3
        await channel.BasicAckAsync(7, multiple: false);   // m6
        await channel.CloseAsync();

        var check = await connection.CreateChannelAsync();
        var left = new List<(string, bool)>();
        while (await check.BasicGetAsync(queue, autoAck: true) is { } message)
        {
            left.Add((Text(message.Body), message.Redelivered));
        }

        Assert.That(left, Is.EqualTo(new[] { ("m4", true), ("m5", true), ("m7", true), ("m8", true), ("m9", true) }));
    }

    [Test]
    public async Task Nack_multiple_with_requeue_returns_every_delivery_up_to_the_tag_as_redelivered()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        await PublishAsync(channel, queue, "1", "2", "3", "4");
        var got = await GetEventuallyAsync(channel, queue, count: 4, autoAck: false);

        await channel.BasicNackAsync(got[2].DeliveryTag, multiple: true, requeue: true);

        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(queue) == 3), Is.True);
        var again = await GetEventuallyAsync(channel, queue, count: 3, autoAck: false);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(again.Select(r => Text(r.Body)), Is.EqualTo(Texts("1", "2", "3")));
            Assert.That(again.Select(r => r.Redelivered), Is.All.True);
            Assert.That(again.Select(r => r.DeliveryTag), Is.EqualTo(new ulong[] { 5, 6, 7 }), "requeued messages get new delivery tags");
        }

        await channel.BasicAckAsync(0, multiple: true);
        Assert.That(await RequeuedAfterCloseAsync(channel, queue), Is.Empty, "'4' was still unacked and acked by tag 0");
    }

    [Test]
    public async Task Nack_without_requeue_discards_the_messages()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        await PublishAsync(channel, queue, "1", "2", "3");
        var got = await GetEventuallyAsync(channel, queue, count: 3, autoAck: false);

        await channel.BasicNackAsync(got[1].DeliveryTag, multiple: true, requeue: false);

        Assert.That(await RequeuedAfterCloseAsync(channel, queue), Is.EqualTo(Texts("3")));
    }

    [Test]
    public async Task Reject_with_requeue_returns_the_message_as_redelivered()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        await PublishAsync(channel, queue, "only");
        var first = await GetEventuallyAsync(channel, queue, autoAck: false);
        Assert.That(first.Redelivered, Is.False);

        await channel.BasicRejectAsync(first.DeliveryTag, requeue: true);

        var again = await GetEventuallyAsync(channel, queue, autoAck: true);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Text(again.Body), Is.EqualTo("only"));
            Assert.That(again.Redelivered, Is.True);
            Assert.That(again.DeliveryTag, Is.EqualTo(2ul));
        }
    }

    [Test]
    public async Task Reject_without_requeue_discards_the_message()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        await PublishAsync(channel, queue, "1", "2");
        var got = await GetEventuallyAsync(channel, queue, count: 2, autoAck: false);

        await channel.BasicRejectAsync(got[0].DeliveryTag, requeue: false);

        Assert.That(await RequeuedAfterCloseAsync(channel, queue), Is.EqualTo(Texts("2")));
    }

    [Test]
    public async Task Requeued_messages_go_back_to_their_original_position_ahead_of_newer_ones()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        await PublishAsync(channel, queue, "1", "2", "3", "4", "5");
        var got = await GetEventuallyAsync(channel, queue, count: 3, autoAck: false);

        // Requeued out of order: 3 first, then 1; 2 stays unacked.
        await channel.BasicRejectAsync(got[2].DeliveryTag, requeue: true);
        await channel.BasicRejectAsync(got[0].DeliveryTag, requeue: true);

        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(queue) == 4), Is.True);
        var again = new List<BasicGetResult>();
        for (var i = 0; i < 4; i++)
        {
            again.Add(await GetEventuallyAsync(channel, queue, autoAck: true));
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(again.Select(r => Text(r.Body)), Is.EqualTo(Texts("1", "3", "4", "5")));
            Assert.That(again.Select(r => r.Redelivered), Is.EqualTo(Flags(true, true, false, false)));
        }
    }

    [Test]
    public async Task Nacked_messages_with_gaps_are_redelivered_to_a_consumer_in_queue_order()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        await PublishAsync(channel, queue, "1", "2", "3", "4", "5");
        var got = await GetEventuallyAsync(channel, queue, count: 5, autoAck: false);

        await channel.BasicNackAsync(got[3].DeliveryTag, multiple: false, requeue: true);
        await channel.BasicNackAsync(got[1].DeliveryTag, multiple: false, requeue: true);
        await channel.BasicAckAsync(0, multiple: true);

        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(queue) == 2), Is.True);
        var consumer = await ConsumeAsync(channel, queue, autoAck: true);
        var again = await consumer.TakeAsync(2, Timeout);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(again.Select(d => d.Text), Is.EqualTo(Texts("2", "4")));
            Assert.That(again.Select(d => d.Redelivered), Is.All.True);
        }
    }

    [Test]
    public async Task Deliveries_of_a_cancelled_consumer_stay_unacked_and_can_still_be_acked()
    {
        var (channel, queue, consumer) = await PublishAndConsumeAsync("1", "2");
        var deliveries = await consumer.TakeAsync(2, Timeout);
        var watch = WatchClose(channel);

        await channel.BasicCancelAsync(deliveries[0].ConsumerTag);
        await channel.BasicAckAsync(deliveries[0].DeliveryTag, multiple: false);

        await Task.Delay(QuietPeriod);
        Assert.That(watch.Closed.IsCompleted, Is.False, "the tag is still valid after basic.cancel");
        Assert.That(await RequeuedAfterCloseAsync(channel, queue), Is.EqualTo(Texts("2")), "the other delivery stayed unacked");
    }

    [Test]
    public async Task Deliveries_from_a_deleted_queue_can_still_be_settled()
    {
        var (channel, queue, consumer) = await PublishAndConsumeAsync("1", "2");
        var deliveries = await consumer.TakeAsync(2, Timeout);
        var other = await OpenChannelAsync();
        await other.QueueDeleteAsync(queue);
        await consumer.ServerCancelled.WaitAsync(Timeout);
        var watch = WatchClose(channel);

        await channel.BasicAckAsync(deliveries[0].DeliveryTag, multiple: false);
        await channel.BasicNackAsync(deliveries[1].DeliveryTag, multiple: false, requeue: true);

        await Task.Delay(QuietPeriod);
        Assert.That(watch.Closed.IsCompleted, Is.False);
        await DeclareQueueAsync(channel);
    }

    private static bool[] Flags(params bool[] flags) => flags;

    private async Task<(IChannel Channel, string Queue, CollectingConsumer Consumer)> PublishAndConsumeAsync(params string[] bodies)
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        await PublishAsync(channel, queue, bodies);
        return (channel, queue, await ConsumeAsync(channel, queue));
    }

    /// <summary>
    /// Closes <paramref name="channel"/> (requeueing whatever it still holds unacked) and drains the queue
    /// from a fresh connection: the bodies left, in queue order.
    /// </summary>
    private async Task<List<string>> RequeuedAfterCloseAsync(IChannel channel, string queue)
    {
        await channel.CloseAsync();
        var other = await OpenChannelAsync();
        await Task.Delay(QuietPeriod);
        return await DrainAsync(other, queue);
    }
}
