namespace AmqpBroker.InteropTests.Amqp.Basic;

/// <summary>
/// basic.qos as RabbitMQ interprets it: global=false limits each consumer created afterwards, global=true
/// limits the channel (shared by its consumers), both may apply at once; prefetch_size is not implemented.
/// </summary>
public sealed class QosTests : BrokerTestBase
{
    [Test]
    public async Task Prefetch_count_limits_unacked_deliveries_and_each_ack_releases_one_more()
    {
        var (channel, consumers) = await ConsumeWithPrefetchAsync(consumers: 1, messages: 10, perConsumer: 2);
        var consumer = consumers[0];

        var first = await consumer.TakeAsync(2, Timeout);
        Assert.That(await consumer.AnyWithinAsync(QuietPeriod), Is.False, "no more than 2 unacked");

        await channel.BasicAckAsync(first[0].DeliveryTag, multiple: false);
        var third = await consumer.NextAsync(Timeout);
        Assert.That(third.Text, Is.EqualTo("2"));
        Assert.That(await consumer.AnyWithinAsync(QuietPeriod), Is.False, "still 2 unacked");

        await channel.BasicAckAsync(third.DeliveryTag, multiple: true);
        await consumer.TakeAsync(2, Timeout);
        Assert.That(await consumer.AnyWithinAsync(QuietPeriod), Is.False);
        Assert.That(consumer.Received, Is.EqualTo(5));
    }

    [Test]
    public async Task Reject_and_nack_release_prefetch_credit_too()
    {
        var (channel, consumers) = await ConsumeWithPrefetchAsync(consumers: 1, messages: 5, perConsumer: 1);
        var consumer = consumers[0];

        var first = await consumer.NextAsync(Timeout);
        await channel.BasicRejectAsync(first.DeliveryTag, requeue: false);
        var second = await consumer.NextAsync(Timeout);
        await channel.BasicNackAsync(second.DeliveryTag, multiple: false, requeue: false);
        var third = await consumer.NextAsync(Timeout);

        Assert.That(new[] { first, second, third }.Select(d => d.Text), Is.EqualTo(Texts("0", "1", "2")));
        Assert.That(await consumer.AnyWithinAsync(QuietPeriod), Is.False);
    }

    [Test]
    public async Task Per_consumer_prefetch_applies_to_each_consumer_of_the_channel_separately()
    {
        var (_, consumers) = await ConsumeWithPrefetchAsync(consumers: 2, messages: 5, perConsumer: 2);
        var (c1, c2) = (consumers[0], consumers[1]);

        await c1.TakeAsync(2, Timeout);
        await c2.TakeAsync(2, Timeout);
        await Task.Delay(QuietPeriod);
        Assert.That((c1.Received, c2.Received), Is.EqualTo((2, 2)));
    }

    [Test]
    public async Task Global_prefetch_is_shared_by_all_consumers_of_the_channel()
    {
        var (channel, consumers) = await ConsumeWithPrefetchAsync(consumers: 2, messages: 5, global: 3);
        var (c1, c2) = (consumers[0], consumers[1]);

        Assert.That(await EventuallyAsync(() => Task.FromResult(c1.Received + c2.Received == 3)), Is.True);
        await Task.Delay(QuietPeriod);
        Assert.That(c1.Received + c2.Received, Is.EqualTo(3), "3 unacked for the whole channel");

        var any = await (c1.Received > 0 ? c1 : c2).NextAsync(Timeout);
        await channel.BasicAckAsync(any.DeliveryTag, multiple: false);
        Assert.That(await EventuallyAsync(() => Task.FromResult(c1.Received + c2.Received == 4)), Is.True);
        await Task.Delay(QuietPeriod);
        Assert.That(c1.Received + c2.Received, Is.EqualTo(4), "one ack released exactly one delivery");
    }

    [Test]
    public async Task Global_prefetch_does_not_limit_other_channels()
    {
        var connection = await ConnectAsync();
        var limited = await connection.CreateChannelAsync();
        var free = await connection.CreateChannelAsync();
        var q1 = await QueueWithAsync(limited, 3);
        var q2 = await QueueWithAsync(limited, 3);
        await limited.BasicQosAsync(0, 1, global: true);
        var c1 = new CollectingConsumer(limited);
        var c2 = new CollectingConsumer(free);

        await limited.BasicConsumeAsync(q1, autoAck: false, c1);
        await free.BasicConsumeAsync(q2, autoAck: false, c2);

        await c1.NextAsync(Timeout);
        await c2.TakeAsync(3, Timeout);
        Assert.That(await c1.AnyWithinAsync(QuietPeriod), Is.False);
    }

    [Test]
    public async Task Per_consumer_and_global_limits_apply_together()
    {
        var (_, consumers) = await ConsumeWithPrefetchAsync(consumers: 3, messages: 5, perConsumer: 2, global: 5);

        Assert.That(await EventuallyAsync(() => Task.FromResult(consumers.Sum(c => c.Received) == 5)), Is.True);
        await Task.Delay(QuietPeriod);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(consumers.Sum(c => c.Received), Is.EqualTo(5), "the channel-wide limit");
            Assert.That(consumers.Select(c => c.Received), Is.All.LessThanOrEqualTo(2), "the per-consumer limit");
        }
    }

    [Test]
    public async Task A_new_per_consumer_prefetch_applies_only_to_consumers_created_afterwards()
    {
        var channel = await OpenChannelAsync();
        var q1 = await QueueWithAsync(channel, 5);
        var q2 = await QueueWithAsync(channel, 5);
        await channel.BasicQosAsync(0, 1, global: false);
        var before = await ConsumeAsync(channel, q1);
        await before.NextAsync(Timeout);

        await channel.BasicQosAsync(0, 3, global: false);
        var after = await ConsumeAsync(channel, q2);

        await after.TakeAsync(3, Timeout);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await after.AnyWithinAsync(QuietPeriod), Is.False, "the new consumer gets the new limit");
            Assert.That(before.Received, Is.EqualTo(1), "the existing consumer keeps its limit");
        }
    }

    [Test]
    public async Task Raising_the_global_prefetch_releases_more_deliveries_at_once()
    {
        var (channel, consumers) = await ConsumeWithPrefetchAsync(consumers: 1, messages: 5, global: 1);
        var consumer = consumers[0];
        await consumer.NextAsync(Timeout);
        Assert.That(await consumer.AnyWithinAsync(QuietPeriod), Is.False);

        await channel.BasicQosAsync(0, 3, global: true);

        await consumer.TakeAsync(2, Timeout);
        Assert.That(await consumer.AnyWithinAsync(QuietPeriod), Is.False);
        Assert.That(consumer.Received, Is.EqualTo(3));
    }

    [Test]
    public async Task Prefetch_zero_means_unlimited()
    {
        var channel = await OpenChannelAsync();
        var queue = await QueueWithAsync(channel, 20);
        await channel.BasicQosAsync(0, 1, global: false);
        await channel.BasicQosAsync(0, 0, global: false);
        var consumer = await ConsumeAsync(channel, queue);

        await consumer.TakeAsync(20, Timeout);
    }

    [Test]
    public async Task Prefetch_does_not_limit_auto_ack_consumers()
    {
        var channel = await OpenChannelAsync();
        var queue = await QueueWithAsync(channel, 10);
        await channel.BasicQosAsync(0, 1, global: false);
        await channel.BasicQosAsync(0, 1, global: true);
        var consumer = await ConsumeAsync(channel, queue, autoAck: true);

        await consumer.TakeAsync(10, Timeout);
    }

    [Test]
    public async Task Prefetch_does_not_limit_basic_get()
    {
        var channel = await OpenChannelAsync();
        var queue = await QueueWithAsync(channel, 3);
        await channel.BasicQosAsync(0, 1, global: false);
        await channel.BasicQosAsync(0, 1, global: true);

        for (var i = 0; i < 3; i++)
        {
            Assert.That(await channel.BasicGetAsync(queue, autoAck: false), Is.Not.Null, $"get #{i + 1}");
        }
    }

    [Test]
    public async Task Unacked_basic_get_deliveries_do_not_count_against_the_global_prefetch()
    {
        var channel = await OpenChannelAsync();
        var q1 = await QueueWithAsync(channel, 1);
        var q2 = await QueueWithAsync(channel, 5);
        await channel.BasicQosAsync(0, 2, global: true);
        var got = await channel.BasicGetAsync(q1, autoAck: false);
        Assert.That(got, Is.Not.Null);
        var consumer = await ConsumeAsync(channel, q2);

        await consumer.TakeAsync(2, Timeout);
        Assert.That(await consumer.AnyWithinAsync(QuietPeriod), Is.False, "the consumer still gets the whole limit of 2");

        // Acking the basic.get delivery releases no credit either.
        await channel.BasicAckAsync(got!.DeliveryTag, multiple: false);
        Assert.That(await consumer.AnyWithinAsync(QuietPeriod), Is.False);
        Assert.That(consumer.Received, Is.EqualTo(2));
    }

    [Test]
    public async Task Prefetch_size_other_than_zero_closes_the_connection_with_NOT_IMPLEMENTED()
    {
        var (connection, channel) = await ConnectWithChannelAsync();

        var reason = await ExpectClosedAsync(() => channel.BasicQosAsync(1000, 10, global: false), 540, "NOT_IMPLEMENTED - prefetch_size!=0 (1000)");
        AssertFailedMethod(reason, 60, 10);

        Assert.That(await EventuallyAsync(() => Task.FromResult(!connection.IsOpen)), Is.True, "540 is a connection error");
    }

    /// <summary>A fresh queue holding bodies "0".."n-1".</summary>
    private async Task<string> QueueWithAsync(IChannel channel, int messages)
    {
        var queue = await DeclareQueueAsync(channel);
        await PublishAsync(channel, queue, Enumerable.Range(0, messages).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(queue) == (uint)messages), Is.True);
        return queue;
    }

    /// <summary>
    /// A channel with one fresh queue of <paramref name="messages"/> bodies per consumer, the given limits set on
    /// it (0: left unset; the per-consumer one first) and then a manual-ack consumer on each queue.
    /// </summary>
    private async Task<(IChannel Channel, CollectingConsumer[] Consumers)> ConsumeWithPrefetchAsync(int consumers, int messages, ushort perConsumer = 0, ushort global = 0)
    {
        var channel = await OpenChannelAsync();
        var queues = new string[consumers];
        for (var i = 0; i < consumers; i++)
        {
            queues[i] = await QueueWithAsync(channel, messages);
        }

        if (perConsumer > 0)
        {
            await channel.BasicQosAsync(0, perConsumer, global: false);
        }

        if (global > 0)
        {
            await channel.BasicQosAsync(0, global, global: true);
        }

        var started = new CollectingConsumer[consumers];
        for (var i = 0; i < consumers; i++)
        {
            started[i] = await ConsumeAsync(channel, queues[i]);
        }

        return (channel, started);
    }
}
