namespace AmqpBroker.InteropTests.QueueFeatures;

/// <summary>
/// Priority queues (x-max-priority): higher priority first, FIFO within a priority, a priority above the
/// maximum counts as the maximum, requeued messages keep their place, and prefetch picks the highest
/// ready message at each step. Invalid maxima are refused with RabbitMQ's 406 texts.
/// </summary>
public sealed class PriorityTests : BrokerTestBase
{
    [Test]
    public async Task Higher_priorities_go_first_and_each_priority_stays_fifo()
    {
        var channel = await OpenConfirmChannelAsync();
        var queue = await DeclareAsync(channel, 10);

        await PublishAsync(channel, queue, ("a1", 1), ("b5", 5), ("c1", 1), ("d5", 5), ("e-none", null), ("f10", 10), ("g0", 0));

        Assert.That(await DrainAsync(channel, queue), Is.EqualTo(new List<string> { "f10", "b5", "d5", "a1", "c1", "e-none", "g0" }));
    }

    [Test]
    public async Task A_priority_above_the_maximum_counts_as_the_maximum()
    {
        var channel = await OpenConfirmChannelAsync();
        var queue = await DeclareAsync(channel, 5);

        await PublishAsync(channel, queue, ("low4", 4), ("max5", 5), ("over9", 9), ("max5b", 5), ("over255", 255));

        Assert.That(await DrainAsync(channel, queue), Is.EqualTo(new List<string> { "max5", "over9", "max5b", "over255", "low4" }));
    }

    [Test]
    public async Task A_queue_without_x_max_priority_ignores_priorities()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions);

        await PublishAsync(channel, queue, ("a1", 1), ("b9", 9), ("c0", 0));

        Assert.That(await DrainAsync(channel, queue), Is.EqualTo(new List<string> { "a1", "b9", "c0" }));
    }

    [Test]
    public async Task Max_priority_zero_is_accepted_and_orders_by_arrival()
    {
        var channel = await OpenConfirmChannelAsync();
        var queue = await DeclareAsync(channel, 0);

        await PublishAsync(channel, queue, ("a0", 0), ("b5", 5), ("c1", 1));

        Assert.That(await DrainAsync(channel, queue), Is.EqualTo(new List<string> { "a0", "b5", "c1" }));
    }

    [TestCase(1)]
    [TestCase(255)]
    public async Task The_largest_and_smallest_maxima_work(int maxPriority)
    {
        var channel = await OpenConfirmChannelAsync();
        var queue = await DeclareAsync(channel, maxPriority);

        await PublishAsync(channel, queue, ("low", 0), ("high", (byte)maxPriority));

        Assert.That(await DrainAsync(channel, queue), Is.EqualTo(new List<string> { "high", "low" }));
    }

    [Test]
    public async Task Requeued_messages_return_to_their_place_in_their_priority()
    {
        var channel = await OpenConfirmChannelAsync();
        var queue = await DeclareAsync(channel, 10);
        await PublishAsync(channel, queue, ("a5", 5), ("b5", 5), ("c1", 1), ("d1", 1));
        var first = await channel.BasicGetAsync(queue, autoAck: false);
        var second = await channel.BasicGetAsync(queue, autoAck: false);
        var third = await channel.BasicGetAsync(queue, autoAck: false);
        Assert.That(new List<string> { Text(first!.Body), Text(second!.Body), Text(third!.Body) }, Is.EqualTo(new List<string> { "a5", "b5", "c1" }));

        await channel.BasicNackAsync(third.DeliveryTag, multiple: true, requeue: true);

        var redelivered = new List<(string, bool)>();
        while (await channel.BasicGetAsync(queue, autoAck: true) is { } got)
        {
            redelivered.Add((Text(got.Body), got.Redelivered));
        }

        Assert.That(redelivered, Is.EqualTo(new List<(string, bool)> { ("a5", true), ("b5", true), ("c1", true), ("d1", false) }));
    }

    [Test]
    public async Task With_prefetch_one_each_delivery_is_the_highest_ready_message()
    {
        var channel = await OpenConfirmChannelAsync();
        var queue = await DeclareAsync(channel, 10);
        await PublishAsync(channel, queue, ("a1", 1), ("b1", 1));
        await channel.BasicQosAsync(0, 1, global: false);
        var consumer = await ConsumeAsync(channel, queue);

        var first = await consumer.NextAsync(Timeout);
        await PublishAsync(channel, queue, ("c9", 9));
        await channel.BasicAckAsync(first.DeliveryTag, multiple: false);
        var second = await consumer.NextAsync(Timeout);
        await channel.BasicAckAsync(second.DeliveryTag, multiple: false);
        var third = await consumer.NextAsync(Timeout);
        await channel.BasicAckAsync(third.DeliveryTag, multiple: false);

        Assert.That(new List<string> { first.Text, second.Text, third.Text }, Is.EqualTo(new List<string> { "a1", "c9", "b1" }));
    }

    [Test]
    public async Task A_consumer_with_a_backlog_receives_it_in_priority_order()
    {
        var channel = await OpenConfirmChannelAsync();
        var queue = await DeclareAsync(channel, 3);
        await PublishAsync(channel, queue, ("a0", 0), ("b3", 3), ("c2", 2), ("d3", 3), ("e1", 1));
        var consumer = await ConsumeAsync(channel, queue, autoAck: true);
        var deliveries = await consumer.TakeAsync(5, Timeout);

        Assert.That(deliveries.Select(d => d.Text), Is.EqualTo(new List<string> { "b3", "d3", "c2", "e1", "a0" }));
        Assert.That(deliveries.Select(d => d.Properties.Priority), Is.EqualTo(new List<byte> { 3, 3, 2, 1, 0 }), "the priority property is delivered as published");
    }

    [Test]
    public async Task The_priority_argument_must_match_on_redeclare()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareAsync(channel, 5);

        await ExpectClosedAsync(() => channel.QueueDeclareAsync(queue, false, false, false, new Dictionary<string, object?> { ["x-max-priority"] = 6 }), 406, $"PRECONDITION_FAILED - inequivalent arg 'x-max-priority' for queue '{queue}' in vhost '/': received '6' but current is '5'");
    }

    [TestCase(256, "{max_value_exceeded,256}")]
    [TestCase(-1, "{value_negative,-1}")]
    [TestCase("abc", "\"expected integer, got longstr\"")]
    [TestCase(1.5, "\"expected integer, got double\"")]
    public async Task An_invalid_maximum_is_refused_with_406(object value, string error)
    {
        var channel = await OpenChannelAsync();
        var name = Track(UniqueName());

        await ExpectClosedAsync(() => channel.QueueDeclareAsync(name, false, false, false, new Dictionary<string, object?> { ["x-max-priority"] = value }), 406, $"PRECONDITION_FAILED - invalid arg 'x-max-priority' for queue '{name}' in vhost '/': {error}");
    }

    private static async Task PublishAsync(IChannel channel, string queue, params (string Body, byte? Priority)[] messages)
    {
        foreach (var (body, priority) in messages)
        {
            var properties = new BasicProperties();
            if (priority is { } p)
            {
                properties.Priority = p;
            }

            await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, properties, Encoding.UTF8.GetBytes(body));
        }
    }

    private async Task<string> DeclareAsync(IChannel channel, int maxPriority)
    {
        var name = Track(UniqueName());
        await channel.QueueDeclareAsync(name, durable: false, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-max-priority"] = maxPriority });
        return name;
    }
}
