namespace AmqpBroker.InteropTests.QueueFeatures;

/// <summary>
/// Delivery limit (x-delivery-limit): a message handed back (nack/reject with requeue, channel closed)
/// more often than the limit is dead-lettered with reason <c>delivery_limit</c>, or dropped without a DLX;
/// every delivery carries x-delivery-count (0 on the first). RabbitMQ 3.10 has this on quorum queues only
/// (a classic queue refuses the argument with 406), so against RabbitMQ these tests declare a durable
/// quorum queue, and on our broker a classic queue that must behave the same way.
/// </summary>
[TestFixture]
public sealed class DeliveryLimitTests : BrokerTestBase
{
    [Test]
    public async Task A_message_is_redelivered_up_to_the_limit_then_dead_lettered()
    {
        var channel = await OpenConfirmChannelAsync();
        var deadLetters = await DeclareQueueAsync(channel, "dlq");
        var queue = await DeclareLimitedAsync(channel, 2, deadLetters);
        await channel.BasicPublishAsync(string.Empty, queue, "m"u8.ToArray());

        var deliveries = 0;
        while (await GetAsync(channel, queue) is { } got)
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
    public async Task Every_delivery_carries_x_delivery_count()
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
            Assert.That(first.BasicProperties.Headers?.TryGetValue("x-delivery-count", out var c1) == true ? c1 : null, Is.TypeOf<long>().And.EqualTo(0L), "RabbitMQ's quorum queue counts from the first delivery");
            Assert.That(second.Redelivered, Is.True);
            Assert.That(second.BasicProperties.Headers?.TryGetValue("x-delivery-count", out var c2) == true ? c2 : null, Is.TypeOf<long>().And.EqualTo(1L));
            Assert.That(third.BasicProperties.Headers?.TryGetValue("x-delivery-count", out var c3) == true ? c3 : null, Is.TypeOf<long>().And.EqualTo(2L));
        }
    }

    [Test]
    public async Task Without_a_dead_letter_exchange_the_message_is_dropped()
    {
        var channel = await OpenConfirmChannelAsync();
        var queue = await DeclareLimitedAsync(channel, 1, deadLetters: null);
        await channel.BasicPublishAsync(string.Empty, queue, "m"u8.ToArray());

        var deliveries = 0;
        while (await GetAsync(channel, queue) is { } got)
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
        var channel = await OpenConfirmChannelAsync();
        var deadLetters = await DeclareQueueAsync(channel, "dlq");
        var queue = await DeclareLimitedAsync(channel, 0, deadLetters);
        await channel.BasicPublishAsync(string.Empty, queue, "m"u8.ToArray());

        var got = await GetEventuallyAsync(channel, queue, autoAck: false);
        await channel.BasicNackAsync(got.DeliveryTag, multiple: false, requeue: true);

        var dead = await GetEventuallyAsync(channel, deadLetters);
        Assert.That(Text(dead.Body), Is.EqualTo("m"));
        Assert.That(await channel.MessageCountAsync(queue), Is.Zero);
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
        var channel = await OpenConfirmChannelAsync();
        var deadLetters = await DeclareQueueAsync(channel, "dlq");
        var queue = await DeclareLimitedAsync(channel, 0, deadLetters);
        await channel.BasicPublishAsync(string.Empty, queue, "m"u8.ToArray());

        var got = await GetEventuallyAsync(channel, queue, autoAck: false);
        await channel.BasicAckAsync(got.DeliveryTag, multiple: false);

        Assert.That(await channel.MessageCountAsync(queue), Is.Zero);
        Assert.That(await channel.MessageCountAsync(deadLetters), Is.Zero);
    }

    [Test]
    public async Task A_negative_limit_is_refused_with_406()
    {
        if (IsExternal)
        {
            Assert.Ignore("RabbitMQ 3.10 supports x-delivery-limit on quorum queues only");
        }

        var channel = await OpenChannelAsync();
        var name = Track(UniqueName());

        await ExpectClosedAsync(() => channel.QueueDeclareAsync(name, false, false, false, new Dictionary<string, object?> { ["x-delivery-limit"] = -1 }), 406, $"PRECONDITION_FAILED - invalid arg 'x-delivery-limit' for queue '{name}' in vhost '/': {{value_negative,-1}}");
    }

    /// <summary>
    /// A queue with x-delivery-limit: a classic one on our broker; a durable quorum queue on RabbitMQ, whose
    /// classic queues refuse the argument.
    /// </summary>
    private async Task<string> DeclareLimitedAsync(IChannel channel, int limit, string? deadLetters)
    {
        var name = Track(UniqueName());
        var arguments = new Dictionary<string, object?> { ["x-delivery-limit"] = limit };
        if (deadLetters is not null)
        {
            arguments["x-dead-letter-exchange"] = string.Empty;
            arguments["x-dead-letter-routing-key"] = deadLetters;
        }

        if (IsExternal)
        {
            arguments["x-queue-type"] = "quorum";
        }

        await channel.QueueDeclareAsync(name, durable: IsExternal, exclusive: false, autoDelete: false, arguments);
        return name;
    }

    private static async Task<BasicGetResult?> GetAsync(IChannel channel, string queue)
    {
        // A requeued message may take a moment to be ready again (RabbitMQ's quorum queue); give it a short while.
        BasicGetResult? got = null;
        var until = DateTime.UtcNow + QuietPeriod;
        while (got is null && DateTime.UtcNow < until)
        {
            got = await channel.BasicGetAsync(queue, autoAck: false);
            if (got is null)
            {
                await Task.Delay(20);
            }
        }

        return got;
    }
}
