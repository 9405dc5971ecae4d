namespace AmqpBroker.InteropTests.Amqp;

/// <summary>channel.open/close, channel errors, and many channels on one connection.</summary>
public sealed class ChannelTests : BrokerTestBase
{
    [Test]
    public async Task Opens_and_closes_a_channel()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        Assert.That(channel.IsOpen, Is.True);
        Assert.That(channel.ChannelNumber, Is.GreaterThan(0));

        await channel.CloseAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(channel.IsOpen, Is.False);
            Assert.That(channel.CloseReason?.ReplyCode, Is.EqualTo(200));
            Assert.That(connection.IsOpen, Is.True);
        }
    }

    [Test]
    public async Task Using_a_closed_channel_throws_AlreadyClosed()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        await channel.CloseAsync();

        await Assert.ThatAsync(() => channel.QueueDeclareAsync(string.Empty), Throws.InstanceOf<AlreadyClosedException>());
    }

    [Test]
    public async Task A_channel_error_leaves_the_connection_and_other_channels_open()
    {
        var connection = await ConnectAsync();
        var healthy = await connection.CreateChannelAsync();
        var failing = await connection.CreateChannelAsync();

        var reason = await ExpectOperationInterruptedAsync(() => failing.QueueDeclarePassiveAsync(UniqueName("missing")));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(404));
            Assert.That(failing.IsOpen, Is.False);
            Assert.That(connection.IsOpen, Is.True);
            Assert.That(healthy.IsOpen, Is.True);
        }

        var queue = await DeclareQueueAsync(healthy);
        await PublishAsync(healthy, queue, "still works");
        var got = await healthy.BasicGetAsync(queue, autoAck: true);
        Assert.That(got is null ? null : Text(got.Body), Is.EqualTo("still works"));
    }

    [Test]
    public async Task Fifty_channels_on_one_connection_publish_and_consume_concurrently()
    {
        const int channels = 50;
        const int messages = 100;
        var connection = await ConnectAsync();

        async Task<(int Received, bool InOrder, uint Left)> RunOne(int index)
        {
            var channel = await connection.CreateChannelAsync();
            var queue = await DeclareQueueAsync(channel, $"c{index}");
            for (var i = 0; i < messages; i++)
            {
                await channel.BasicPublishAsync(string.Empty, queue, BitConverter.GetBytes(i));
            }

            var consumer = new CollectingConsumer(channel);
            var tag = await channel.BasicConsumeAsync(queue, autoAck: false, consumer);
            var deliveries = await consumer.TakeAsync(messages, Timeout);
            foreach (var delivery in deliveries)
            {
                await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
            }

            await channel.BasicCancelAsync(tag);
            var left = await channel.MessageCountAsync(queue);
            var inOrder = deliveries.Select(d => BitConverter.ToInt32(d.Body)).SequenceEqual(Enumerable.Range(0, messages));
            await channel.CloseAsync();
            return (deliveries.Count, inOrder, left);
        }

        var results = await Task.WhenAll(Enumerable.Range(0, channels).Select(RunOne)).WaitAsync(TimeSpan.FromSeconds(30));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Select(r => r.Received), Is.All.EqualTo(messages));
            Assert.That(results.Select(r => r.InOrder), Is.All.True);
            Assert.That(results.Select(r => r.Left), Is.All.EqualTo(0u));
            Assert.That(connection.IsOpen, Is.True);
        }
    }
}
