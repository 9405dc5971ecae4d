namespace AmqpBroker.InteropTests.Amqp.Queues;

/// <summary>
/// queue.delete (if-unused, if-empty, missing queues, consumers cancelled) and queue.purge, with the
/// message counts their replies carry.
/// </summary>
public sealed class QueueDeleteAndPurgeTests : BrokerTestBase
{
    [Test]
    public async Task Declare_purge_and_delete_report_message_counts()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync(ConfirmOptions);
        var queue = Track(UniqueName());

        var declared = await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false);
        Assert.That((declared.QueueName, declared.MessageCount, declared.ConsumerCount), Is.EqualTo((queue, 0u, 0u)));

        await PublishAsync(channel, queue, "a", "b", "c");
        var passive = await channel.QueueDeclarePassiveAsync(queue);
        var again = await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false);
        Assert.That((passive.MessageCount, again.MessageCount, await channel.MessageCountAsync(queue)), Is.EqualTo((3u, 3u, 3u)));

        Assert.That(await channel.QueuePurgeAsync(queue), Is.EqualTo(3));
        Assert.That(await channel.MessageCountAsync(queue), Is.Zero);
        Assert.That(await channel.QueuePurgeAsync(queue), Is.Zero, "purging an empty queue");

        await PublishAsync(channel, queue, "d", "e");
        Assert.That(await channel.QueueDeleteAsync(queue), Is.EqualTo(2));
        Assert.That(await QueueExistsAsync(connection, queue), Is.False);
    }

    [Test]
    public async Task Delete_returns_the_number_of_ready_messages()
    {
        var connection = await ConnectAsync();
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions);
        for (var i = 0; i < 4; i++)
        {
            await PublishConfirmedAsync(channel, string.Empty, queue, $"m{i}");
        }

        var consumerChannel = await connection.CreateChannelAsync();
        var unacked = await consumerChannel.BasicGetAsync(queue, autoAck: false);
        Assert.That(unacked, Is.Not.Null);

        var count = await channel.QueueDeleteAsync(queue);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(count, Is.EqualTo(3u), "the unacknowledged message is not counted");
            Assert.That(await QueueExistsAsync(connection, queue), Is.False);
        }
    }

    [Test]
    public async Task Delete_if_unused_refuses_a_queue_with_consumers()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        var tag = await channel.BasicConsumeAsync(queue, autoAck: true, new CollectingConsumer(channel));
        var deleter = await connection.CreateChannelAsync();

        await ExpectClosedAsync(() => deleter.QueueDeleteAsync(queue, ifUnused: true, ifEmpty: false), 406, $"PRECONDITION_FAILED - queue '{queue}' {InDefaultVhost} in use");
        Assert.That(await QueueExistsAsync(connection, queue), Is.True);

        await channel.BasicCancelAsync(tag);
        deleter = await connection.CreateChannelAsync();
        Assert.That(await deleter.QueueDeleteAsync(queue, ifUnused: true, ifEmpty: false), Is.Zero);
        Assert.That(await QueueExistsAsync(connection, queue), Is.False);
    }

    [Test]
    public async Task Delete_if_empty_refuses_a_queue_with_ready_messages()
    {
        var connection = await ConnectAsync();
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions);
        await PublishConfirmedAsync(channel, string.Empty, queue, "m");
        var deleter = await connection.CreateChannelAsync();

        await ExpectClosedAsync(() => deleter.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: true), 406, $"PRECONDITION_FAILED - queue '{queue}' {InDefaultVhost} not empty");
        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1u));
    }

    [Test]
    public async Task Delete_if_empty_ignores_unacknowledged_messages()
    {
        var connection = await ConnectAsync();
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions);
        await PublishConfirmedAsync(channel, string.Empty, queue, "m");
        var holder = await connection.CreateChannelAsync();
        Assert.That(await holder.BasicGetAsync(queue, autoAck: false), Is.Not.Null);

        var count = await channel.QueueDeleteAsync(queue, ifUnused: true, ifEmpty: true);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(count, Is.Zero);
            Assert.That(await QueueExistsAsync(connection, queue), Is.False);
        }
    }

    [Test]
    public async Task Deleting_a_missing_queue_succeeds_with_zero_messages()
    {
        var channel = await OpenChannelAsync();

        var count = await channel.QueueDeleteAsync(UniqueName("missing"));
        var conditional = await channel.QueueDeleteAsync(UniqueName("missing"), ifUnused: true, ifEmpty: true);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(count, Is.Zero);
            Assert.That(conditional, Is.Zero);
            Assert.That(channel.IsOpen, Is.True);
        }
    }

    [Test]
    public async Task Deleting_a_queue_cancels_its_consumers()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        var consumer = new CollectingConsumer(channel);
        var tag = await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        var deleter = await connection.CreateChannelAsync();

        await deleter.QueueDeleteAsync(queue);

        Assert.That(await consumer.ServerCancelled.WaitAsync(Timeout), Is.EqualTo(tag));
        Assert.That(channel.IsOpen, Is.True);
    }

    [Test]
    public async Task Purge_removes_ready_messages_and_returns_their_count()
    {
        var connection = await ConnectAsync();
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions);
        for (var i = 0; i < 3; i++)
        {
            await PublishConfirmedAsync(channel, string.Empty, queue, $"m{i}");
        }

        var holder = await connection.CreateChannelAsync();
        Assert.That(await holder.BasicGetAsync(queue, autoAck: false), Is.Not.Null);

        var purged = await channel.QueuePurgeAsync(queue);
        var again = await channel.QueuePurgeAsync(queue);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(purged, Is.EqualTo(2u));
            Assert.That(again, Is.Zero);
            Assert.That(await channel.MessageCountAsync(queue), Is.Zero);
        }

        // The unacknowledged message was not purged: it comes back when its channel closes.
        await holder.CloseAsync();
        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(queue) == 1), Is.True);
    }

    [Test]
    public async Task Purging_a_missing_queue_is_404()
    {
        var channel = await OpenChannelAsync();
        var queue = UniqueName("missing");

        await ExpectClosedAsync(() => channel.QueuePurgeAsync(queue), 404, $"NOT_FOUND - no queue '{queue}' {InDefaultVhost}");
    }
}
