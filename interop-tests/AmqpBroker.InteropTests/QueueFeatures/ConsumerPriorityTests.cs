namespace AmqpBroker.InteropTests.QueueFeatures;

/// <summary>
/// Consumer priorities (basic.consume argument x-priority): the highest-priority consumer with credit
/// receives everything; lower ones get messages only while every higher one is full (prefetch).
/// </summary>
public sealed class ConsumerPriorityTests : BrokerTestBase
{
    [Test]
    public async Task The_higher_priority_consumer_receives_everything_while_it_has_credit()
    {
        var (connection, setup, queue) = await SetUpAsync();
        var (low, _, _) = await ConsumeAsync(connection, queue, priority: 1);
        var (high, _, _) = await ConsumeAsync(connection, queue, priority: 10);

        await PublishAsync(setup, queue, Enumerable.Range(1, 10).Select(i => $"m{i}").ToArray());

        var deliveries = await high.TakeAsync(10, Timeout);
        Assert.That(deliveries.Select(d => d.Text), Is.EqualTo(Enumerable.Range(1, 10).Select(i => $"m{i}")));
        Assert.That(await low.AnyWithinAsync(QuietPeriod), Is.False);
    }

    [Test]
    public async Task A_consumer_without_x_priority_has_priority_zero_and_negative_ones_come_after_it()
    {
        var (connection, setup, queue) = await SetUpAsync();
        var (negative, _, _) = await ConsumeAsync(connection, queue, priority: -5);
        var (plain, _, _) = await ConsumeAsync(connection, queue, priority: null);

        await PublishAsync(setup, queue, "m1", "m2", "m3");

        Assert.That((await plain.TakeAsync(3, Timeout)).Select(d => d.Text), Is.EqualTo(new List<string> { "m1", "m2", "m3" }));
        Assert.That(await negative.AnyWithinAsync(QuietPeriod), Is.False);
    }

    [Test]
    public async Task A_lower_priority_consumer_receives_while_the_higher_one_is_full()
    {
        var (connection, setup, queue) = await SetUpAsync();
        var (high, highChannel, _) = await ConsumeAsync(connection, queue, priority: 10, prefetch: 2);
        var (low, _, _) = await ConsumeAsync(connection, queue, priority: 1);

        await PublishAsync(setup, queue, "m1", "m2", "m3", "m4", "m5");

        var toHigh = await high.TakeAsync(2, Timeout);
        var toLow = await low.TakeAsync(3, Timeout);
        Assert.That(toHigh.Select(d => d.Text), Is.EqualTo(new List<string> { "m1", "m2" }));
        Assert.That(toLow.Select(d => d.Text), Is.EqualTo(new List<string> { "m3", "m4", "m5" }));

        // Credit back: the higher-priority consumer is first in line again.
        await highChannel.BasicAckAsync(toHigh[^1].DeliveryTag, multiple: true);
        await PublishAsync(setup, queue, "m6", "m7");
        Assert.That((await high.TakeAsync(2, Timeout)).Select(d => d.Text), Is.EqualTo(new List<string> { "m6", "m7" }));
        Assert.That(await low.AnyWithinAsync(QuietPeriod), Is.False);
    }

    [Test]
    public async Task A_backlog_goes_to_the_higher_priority_consumer_first()
    {
        var (connection, setup, queue) = await SetUpAsync();
        var (low, _, _) = await ConsumeAsync(connection, queue, priority: 1, prefetch: 1);
        await PublishAsync(setup, queue, "m1", "m2", "m3", "m4");
        var first = await low.NextAsync(Timeout);

        var (high, _, _) = await ConsumeAsync(connection, queue, priority: 5, prefetch: 10);

        Assert.That(first.Text, Is.EqualTo("m1"));
        Assert.That((await high.TakeAsync(3, Timeout)).Select(d => d.Text), Is.EqualTo(new List<string> { "m2", "m3", "m4" }));
    }

    [Test]
    public async Task Consumers_of_equal_priority_share_round_robin()
    {
        var (connection, setup, queue) = await SetUpAsync();
        var (low, _, _) = await ConsumeAsync(connection, queue, priority: 0);
        var (a, _, _) = await ConsumeAsync(connection, queue, priority: 3);
        var (b, _, _) = await ConsumeAsync(connection, queue, priority: 3);

        await PublishAsync(setup, queue, "m1", "m2", "m3", "m4");

        var toA = await a.TakeAsync(2, Timeout);
        var toB = await b.TakeAsync(2, Timeout);
        Assert.That(toA.Concat(toB).Select(d => d.Text), Is.EquivalentTo(new List<string> { "m1", "m2", "m3", "m4" }));
        Assert.That(await low.AnyWithinAsync(QuietPeriod), Is.False);
    }

    [Test]
    public async Task When_the_higher_priority_consumer_cancels_the_lower_one_takes_over()
    {
        var (connection, setup, queue) = await SetUpAsync();
        var (low, _, _) = await ConsumeAsync(connection, queue, priority: 1);
        var (high, highChannel, _) = await ConsumeAsync(connection, queue, priority: 9);
        await PublishAsync(setup, queue, "m1");
        var first = await high.NextAsync(Timeout);
        await highChannel.BasicAckAsync(first.DeliveryTag, multiple: false);

        await highChannel.BasicCancelAsync(first.ConsumerTag);
        await PublishAsync(setup, queue, "m2");

        Assert.That(first.Text, Is.EqualTo("m1"));
        Assert.That((await low.NextAsync(Timeout)).Text, Is.EqualTo("m2"));
    }

    [TestCase("abc", "\"expected integer, got longstr\"")]
    [TestCase(1.5, "\"expected integer, got double\"")]
    [TestCase(true, "\"expected integer, got bool\"")]
    public async Task A_non_integer_x_priority_is_refused_with_406(object value, string error)
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();

        await ExpectClosedAsync(() => channel.BasicConsumeAsync(queue, autoAck: false, string.Empty, noLocal: false, exclusive: false, new Dictionary<string, object?> { ["x-priority"] = value }, new CollectingConsumer(channel)), 406, $"PRECONDITION_FAILED - invalid arg 'x-priority' for queue '{queue}' in vhost '/': {error}");
    }

    private static async Task<(CollectingConsumer Consumer, IChannel Channel, string Tag)> ConsumeAsync(IConnection connection, string queue, int? priority, ushort prefetch = 0) =>
        await ConsumeOnNewChannelAsync(connection, queue, prefetch, priority is { } p ? Args(("x-priority", p)) : null);

    /// <summary>A connection for the consumers' channels, a confirm-mode channel on it to publish with, and a fresh queue.</summary>
    private async Task<(IConnection Connection, IChannel Setup, string Queue)> SetUpAsync()
    {
        var connection = await ConnectAsync();
        var setup = await connection.CreateChannelAsync(ConfirmOptions);
        return (connection, setup, await DeclareQueueAsync(setup));
    }
}
