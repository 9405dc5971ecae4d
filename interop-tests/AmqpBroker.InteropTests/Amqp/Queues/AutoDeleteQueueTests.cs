namespace AmqpBroker.InteropTests.Amqp.Queues;

/// <summary>Auto-delete queues: deleted when their last consumer goes, never before they had one.</summary>
public sealed class AutoDeleteQueueTests : BrokerTestBase
{
    [Test]
    public async Task An_auto_delete_queue_is_deleted_when_its_last_consumer_goes_and_not_before_the_first()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var queue = Track(UniqueName("ad"));
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: true);
        await PublishAsync(channel, queue, "m");
        var got = await channel.BasicGetAsync(queue, autoAck: true);
        Assert.That(got, Is.Not.Null);
        await Task.Delay(QuietPeriod);
        Assert.That(await QueueExistsAsync(connection, queue), Is.True, "never consumed from: not deleted");

        var first = await channel.BasicConsumeAsync(queue, autoAck: true, new CollectingConsumer(channel));
        var second = await channel.BasicConsumeAsync(queue, autoAck: true, new CollectingConsumer(channel));
        await channel.BasicCancelAsync(first);
        Assert.That(await QueueExistsAsync(connection, queue), Is.True, "one consumer left");

        await channel.BasicCancelAsync(second);

        Assert.That(await EventuallyAsync(async () => !await QueueExistsAsync(connection, queue)), Is.True);
    }

    [Test]
    public async Task An_auto_delete_queue_is_deleted_when_the_consuming_channel_closes()
    {
        var connection = await ConnectAsync();
        var queue = Track(UniqueName("ad"));
        var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: true);
        await channel.BasicConsumeAsync(queue, autoAck: false, new CollectingConsumer(channel));

        await channel.CloseAsync();

        Assert.That(await EventuallyAsync(async () => !await QueueExistsAsync(connection, queue)), Is.True);
    }
}
