using AmqpBroker.InteropTests.Support;

namespace AmqpBroker.InteropTests.Amqp.Basic;

/// <summary>
/// basic.qos as RabbitMQ interprets it: global=false limits each consumer created afterwards, global=true
/// limits the channel (shared by its consumers), both may apply at once; prefetch_size is not implemented.
/// </summary>
[TestFixture]
public sealed class QosTests : BrokerTestBase
{
    [Test]
    public async Task Prefetch_count_limits_unacked_deliveries_and_each_ack_releases_one_more()
    {
        var channel = await OpenChannelAsync();
        var queue = await QueueWithAsync(channel, 10);
        await channel.BasicQosAsync(0, 2, global: false);
        var consumer = new CollectingConsumer(channel);
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer);

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
        var channel = await OpenChannelAsync();
        var queue = await QueueWithAsync(channel, 5);
        await channel.BasicQosAsync(0, 1, global: false);
        var consumer = new CollectingConsumer(channel);
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer);

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
        var channel = await OpenChannelAsync();
        var q1 = await QueueWithAsync(channel, 5);
        var q2 = await QueueWithAsync(channel, 5);
        await channel.BasicQosAsync(0, 2, global: false);
        var c1 = new CollectingConsumer(channel);
        var c2 = new CollectingConsumer(channel);

        await channel.BasicConsumeAsync(q1, autoAck: false, c1);
        await channel.BasicConsumeAsync(q2, autoAck: false, c2);

        await c1.TakeAsync(2, Timeout);
        await c2.TakeAsync(2, Timeout);
        await Task.Delay(QuietPeriod);
        Assert.That((c1.Received, c2.Received), Is.EqualTo((2, 2)));
    }

    [Test]
    public async Task Global_prefetch_is_shared_by_all_consumers_of_the_channel()
    {
        var channel = await OpenChannelAsync();
        var q1 = await QueueWithAsync(channel, 5);
        var q2 = await QueueWithAsync(channel, 5);
        await channel.BasicQosAsync(0, 3, global: true);
        var c1 = new CollectingConsumer(channel);
        var c2 = new CollectingConsumer(channel);

        await channel.BasicConsumeAsync(q1, autoAck: false, c1);
        await channel.BasicConsumeAsync(q2, autoAck: false, c2);

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
        var channel = await OpenChannelAsync();
        var q1 = await QueueWithAsync(channel, 5);
        var q2 = await QueueWithAsync(channel, 5);
        var q3 = await QueueWithAsync(channel, 5);
        await channel.BasicQosAsync(0, 2, global: false);
        await channel.BasicQosAsync(0, 5, global: true);
        var consumers = new[] { new CollectingConsumer(channel), new CollectingConsumer(channel), new CollectingConsumer(channel) };

        await channel.BasicConsumeAsync(q1, autoAck: false, consumers[0]);
        await channel.BasicConsumeAsync(q2, autoAck: false, consumers[1]);
        await channel.BasicConsumeAsync(q3, autoAck: false, consumers[2]);

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
        var before = new CollectingConsumer(channel);
        await channel.BasicConsumeAsync(q1, autoAck: false, before);
        await before.NextAsync(Timeout);

        await channel.BasicQosAsync(0, 3, global: false);
        var after = new CollectingConsumer(channel);
        await channel.BasicConsumeAsync(q2, autoAck: false, after);

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
        var channel = await OpenChannelAsync();
        var queue = await QueueWithAsync(channel, 5);
        await channel.BasicQosAsync(0, 1, global: true);
        var consumer = new CollectingConsumer(channel);
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer);
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
        var consumer = new CollectingConsumer(channel);

        await channel.BasicConsumeAsync(queue, autoAck: false, consumer);

        await consumer.TakeAsync(20, Timeout);
    }

    [Test]
    public async Task Prefetch_does_not_limit_auto_ack_consumers()
    {
        var channel = await OpenChannelAsync();
        var queue = await QueueWithAsync(channel, 10);
        await channel.BasicQosAsync(0, 1, global: false);
        await channel.BasicQosAsync(0, 1, global: true);
        var consumer = new CollectingConsumer(channel);

        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);

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
        var consumer = new CollectingConsumer(channel);

        await channel.BasicConsumeAsync(q2, autoAck: false, consumer);

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
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();

        var reason = await ExpectClosedAsync(() => channel.BasicQosAsync(1000, 10, global: false), 540, "NOT_IMPLEMENTED - prefetch_size!=0 (1000)");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ClassId, Is.EqualTo((ushort)60));
            Assert.That(reason.MethodId, Is.EqualTo((ushort)10));
        }

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
}
