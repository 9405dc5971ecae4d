using AmqpBroker.InteropTests.QueueTypes;

namespace AmqpBroker.InteropTests.QueueFeatures;

/// <summary>
/// Delivery limit (x-delivery-limit), a quorum queue feature: a message handed back (nack/reject with requeue,
/// channel closed) more often than the limit is dead-lettered with reason <c>delivery_limit</c>, or dropped
/// without a DLX; redeliveries carry x-delivery-count. RabbitMQ 3.10 refuses the argument on a classic queue,
/// and so does this broker. The x-delivery-count rules by path are RabbitMQ 3.10.8's (checked here), so the fixture runs
/// as 3.10 only: the rules that changed (3.13's get without a zero count, 4.0's default limit and negative limits,
/// 4.3's counting of failed deliveries only) are QuorumReleaseTests'.
/// </summary>
[Releases("3.10")]
public sealed class DeliveryLimitTests : QueueTypeTestBase
{
    /// <summary>Bounds the redelivery loops: a limit that never triggered fails the test instead of spinning.</summary>
    private const int MaxDeliveries = 100;

    [Test]
    public async Task A_message_is_redelivered_up_to_the_limit_then_dead_lettered()
    {
        var (channel, queue, deadLetters) = await LimitedQueueWithOneMessageAsync(2);

        var deliveries = 0;
        while (deliveries < MaxDeliveries && await GetAsync(channel, queue) is { } got)
        {
            deliveries++;
            await channel.BasicNackAsync(got.DeliveryTag, multiple: false, requeue: true);
        }

        Assert.That(deliveries, Is.EqualTo(3), "the first delivery and two redeliveries");
        var dead = await GetEventuallyAsync(channel, deadLetters);
        var death = (IDictionary<string, object?>)((IList<object?>)dead.BasicProperties.Headers!["x-death"]!)[0]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Text(dead.Body), Is.EqualTo("m"));
            Assert.That(LongStr(death["reason"]), Is.EqualTo("delivery_limit"));
            Assert.That(LongStr(death["queue"]), Is.EqualTo(queue));
            Assert.That(death["count"], Is.EqualTo(1L));
            Assert.That(LongStr(dead.BasicProperties.Headers["x-first-death-reason"]), Is.EqualTo("delivery_limit"));
        }
    }

    [Test]
    public async Task A_basic_get_always_carries_x_delivery_count_from_0()
    {
        var channel = await OpenConfirmChannelAsync();
        var queue = await DeclareLimitedAsync(channel, 5, deadLetters: null);
        await channel.BasicPublishAsync(string.Empty, queue, "m"u8.ToArray());

        var first = await GetEventuallyAsync(channel, queue, autoAck: false);
        await channel.BasicRejectAsync(first.DeliveryTag, requeue: true);
        var second = await GetEventuallyAsync(channel, queue, autoAck: false);
        await channel.BasicNackAsync(second.DeliveryTag, multiple: false, requeue: true);
        var third = await GetEventuallyAsync(channel, queue, autoAck: true);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Redelivered, Is.False);
            Assert.That(DeliveryCount(first.BasicProperties), Is.TypeOf<long>().And.EqualTo(0L), "RabbitMQ 3.10's get adds the count even when it is 0");
            Assert.That(second.Redelivered, Is.True);
            Assert.That(DeliveryCount(second.BasicProperties), Is.TypeOf<long>().And.EqualTo(1L));
            Assert.That(DeliveryCount(third.BasicProperties), Is.TypeOf<long>().And.EqualTo(2L));
        }
    }

    [Test]
    public async Task A_consumer_sees_x_delivery_count_only_on_redeliveries()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var queue = await DeclareQuorumAsync(channel);
        await channel.BasicPublishAsync(string.Empty, queue, "m"u8.ToArray());
        var (consumer, consuming, _) = await ConsumeOnNewChannelAsync(connection, queue);

        var first = await consumer.NextAsync(Timeout);
        await consuming.BasicNackAsync(first.DeliveryTag, multiple: false, requeue: true);
        var second = await consumer.NextAsync(Timeout);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Redelivered, Is.False);
            Assert.That(first.Properties.Headers, Is.Null, "the first delivery to a consumer leaves the headers alone");
            Assert.That(second.Redelivered, Is.True);
            Assert.That(DeliveryCount(second.Properties), Is.EqualTo(1L));
        }
    }

    [Test]
    public async Task Without_a_dead_letter_exchange_the_message_is_dropped()
    {
        var channel = await OpenConfirmChannelAsync();
        var queue = await DeclareLimitedAsync(channel, 1, deadLetters: null);
        await channel.BasicPublishAsync(string.Empty, queue, "m"u8.ToArray());

        var deliveries = 0;
        while (deliveries < MaxDeliveries && await GetAsync(channel, queue) is { } got)
        {
            deliveries++;
            await channel.BasicRejectAsync(got.DeliveryTag, requeue: true);
        }

        Assert.That(deliveries, Is.EqualTo(2));
        Assert.That(await channel.MessageCountAsync(queue), Is.Zero);
    }

    [Test]
    public async Task A_limit_of_zero_dead_letters_on_the_first_return()
    {
        var (channel, queue, deadLetters) = await LimitedQueueWithOneMessageAsync(0);

        var got = await GetEventuallyAsync(channel, queue, autoAck: false);
        await channel.BasicNackAsync(got.DeliveryTag, multiple: false, requeue: true);

        var dead = await GetEventuallyAsync(channel, deadLetters);
        Assert.That(Text(dead.Body), Is.EqualTo("m"));
        Assert.That(await channel.MessageCountAsync(queue), Is.Zero);
    }

    [Test]
    public async Task A_negative_limit_in_3_10_dead_letters_on_the_first_return()
    {
        var (channel, queue, deadLetters) = await LimitedQueueWithOneMessageAsync(-1);

        var got = await GetEventuallyAsync(channel, queue, autoAck: false);
        await channel.BasicNackAsync(got.DeliveryTag, multiple: false, requeue: true);

        Assert.That(Text((await GetEventuallyAsync(channel, deadLetters)).Body), Is.EqualTo("m"), "RabbitMQ 3.10 has no validator for the argument: one return is more than -1");
    }

    [Test]
    public async Task A_closed_channel_returning_its_deliveries_counts_towards_the_limit()
    {
        var connection = await ConnectAsync();
        var setup = await connection.CreateChannelAsync(ConfirmOptions);
        var deadLetters = await DeclareQueueAsync(setup, "dlq");
        var queue = await DeclareLimitedAsync(setup, 1, deadLetters);
        await setup.BasicPublishAsync(string.Empty, queue, "m"u8.ToArray());

        for (var attempt = 0; attempt < 2; attempt++)
        {
            var channel = await connection.CreateChannelAsync();
            var consumer = await ConsumeAsync(channel, queue);
            await consumer.NextAsync(Timeout);
            await channel.CloseAsync();
        }

        var dead = await GetEventuallyAsync(setup, deadLetters);
        Assert.That(Text(dead.Body), Is.EqualTo("m"));
    }

    [Test]
    public async Task Acked_messages_are_not_affected()
    {
        var (channel, queue, deadLetters) = await LimitedQueueWithOneMessageAsync(0);

        var got = await GetEventuallyAsync(channel, queue, autoAck: false);
        await channel.BasicAckAsync(got.DeliveryTag, multiple: false);

        Assert.That(await channel.MessageCountAsync(queue), Is.Zero);
        Assert.That(await channel.MessageCountAsync(deadLetters), Is.Zero);
    }

    [Test]
    public async Task A_classic_queue_refuses_the_argument_as_RabbitMQ_3_10_does()
    {
        var channel = await OpenChannelAsync();
        var name = ShortName("cq");

        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(name, false, false, false, Args(("x-delivery-limit", 2))),
            406,
            $"PRECONDITION_FAILED - invalid arg 'x-delivery-limit' for queue '{name}' {InDefaultVhost} of queue type rabbit_classic_queue");
    }

    private static object? DeliveryCount(IReadOnlyBasicProperties properties) =>
        properties.Headers?.TryGetValue("x-delivery-count", out var count) == true ? count : null;

    /// <summary>A quorum queue with x-delivery-limit, dead-lettering to <paramref name="deadLetters"/> when given.</summary>
    private Task<string> DeclareLimitedAsync(IChannel channel, int limit, string? deadLetters) => deadLetters is null
        ? DeclareQuorumAsync(channel, ("x-delivery-limit", limit))
        : DeclareQuorumAsync(channel, ("x-delivery-limit", limit), ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", deadLetters));

    /// <summary>A confirm channel, a quorum queue limited to <paramref name="limit"/> returns holding one message "m", and the queue it dead-letters to.</summary>
    private async Task<(IChannel Channel, string Queue, string DeadLetters)> LimitedQueueWithOneMessageAsync(int limit)
    {
        var channel = await OpenConfirmChannelAsync();
        var deadLetters = await DeclareQueueAsync(channel, "dlq");
        var queue = await DeclareLimitedAsync(channel, limit, deadLetters);
        await channel.BasicPublishAsync(string.Empty, queue, "m"u8.ToArray());
        return (channel, queue, deadLetters);
    }

    private static async Task<BasicGetResult?> GetAsync(IChannel channel, string queue)
    {
        // A requeued message may take a moment to be ready again (RabbitMQ's quorum queue); give it a short while.
        BasicGetResult? got = null;
        await EventuallyAsync(async () => (got = await channel.BasicGetAsync(queue, autoAck: false)) is not null, QuietPeriod);
        return got;
    }
}
