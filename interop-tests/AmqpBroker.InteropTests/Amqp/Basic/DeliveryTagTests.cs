namespace AmqpBroker.InteropTests.Amqp.Basic;

/// <summary>Delivery tags: per channel, and the channel errors for a tag that is unknown, already settled or auto-acked.</summary>
public sealed class DeliveryTagTests : BrokerTestBase
{
    [Test]
    public async Task Ack_of_an_unknown_delivery_tag_closes_the_channel_with_PRECONDITION_FAILED()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var watch = WatchClose(channel);

        await channel.BasicAckAsync(99, multiple: false);

        var reason = await ExpectClosedAsync(watch, 406, "PRECONDITION_FAILED - unknown delivery tag 99");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ClassId, Is.EqualTo((ushort)60));
            Assert.That(reason.MethodId, Is.EqualTo((ushort)80));
            Assert.That(connection.IsOpen, Is.True, "a channel error only");
        }
    }

    [Test]
    public async Task Acking_a_delivery_twice_closes_the_channel_with_PRECONDITION_FAILED()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        await PublishAsync(channel, queue, "1");
        var got = await GetEventuallyAsync(channel, queue, autoAck: false);
        var watch = WatchClose(channel);

        await channel.BasicAckAsync(got.DeliveryTag, multiple: false);
        await channel.BasicAckAsync(got.DeliveryTag, multiple: false);

        await ExpectClosedAsync(watch, 406, $"PRECONDITION_FAILED - unknown delivery tag {got.DeliveryTag}");

        var other = await OpenChannelAsync();
        Assert.That(await other.MessageCountAsync(queue), Is.Zero, "the first ack took effect");
    }

    [Test]
    public async Task Acking_an_auto_acked_delivery_closes_the_channel_with_PRECONDITION_FAILED()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        await PublishAsync(channel, queue, "1");
        var got = await GetEventuallyAsync(channel, queue, autoAck: true);
        var watch = WatchClose(channel);

        await channel.BasicAckAsync(got.DeliveryTag, multiple: false);

        await ExpectClosedAsync(watch, 406, "PRECONDITION_FAILED - unknown delivery tag 1");
    }

    [Test]
    public async Task Nack_and_reject_of_an_unknown_delivery_tag_close_the_channel_with_PRECONDITION_FAILED()
    {
        var connection = await ConnectAsync();
        var nackChannel = await connection.CreateChannelAsync();
        var rejectChannel = await connection.CreateChannelAsync();
        var nackWatch = WatchClose(nackChannel);
        var rejectWatch = WatchClose(rejectChannel);

        await nackChannel.BasicNackAsync(7, multiple: false, requeue: true);
        await rejectChannel.BasicRejectAsync(8, requeue: false);

        var nack = await ExpectClosedAsync(nackWatch, 406, "PRECONDITION_FAILED - unknown delivery tag 7");
        var reject = await ExpectClosedAsync(rejectWatch, 406, "PRECONDITION_FAILED - unknown delivery tag 8");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(nack.MethodId, Is.EqualTo((ushort)120));
            Assert.That(reject.MethodId, Is.EqualTo((ushort)90));
        }
    }

    [Test]
    public async Task Delivery_tags_are_per_channel()
    {
        var connection = await ConnectAsync();
        var one = await connection.CreateChannelAsync();
        var two = await connection.CreateChannelAsync();
        var queue = await DeclareQueueAsync(one);
        await PublishAsync(one, queue, "a", "b");

        var fromOne = await GetEventuallyAsync(one, queue, autoAck: false);
        var fromTwo = await GetEventuallyAsync(two, queue, autoAck: false);
        Assert.That((fromOne.DeliveryTag, fromTwo.DeliveryTag), Is.EqualTo((1ul, 1ul)));

        var watch = WatchClose(two);
        await two.BasicAckAsync(fromTwo.DeliveryTag, multiple: false);
        await two.BasicAckAsync(2, multiple: false);
        var reason = await watch.WaitAsync(Timeout);
        Assert.That(reason.ReplyText, Is.EqualTo("PRECONDITION_FAILED - unknown delivery tag 2"));
        Assert.That(one.IsOpen, Is.True);
    }
}
