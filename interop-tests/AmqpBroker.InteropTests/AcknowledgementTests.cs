using System.Buffers.Binary;
using System.Text;
using AmqpBroker.InteropTests.Support;

namespace AmqpBroker.InteropTests;

/// <summary>basic.ack/nack/reject, requeue order and flags, delivery-tag errors, basic.recover.</summary>
[TestFixture]
public sealed class AcknowledgementTests : BrokerTestBase
{
    [Test]
    public async Task Ack_of_one_delivery_removes_only_that_message()
    {
        var (channel, queue, consumer) = await ConsumeAsync("1", "2", "3");
        var deliveries = await consumer.TakeAsync(3, Timeout);

        await channel.BasicAckAsync(deliveries[1].DeliveryTag, multiple: false);

        Assert.That(await RequeuedAfterCloseAsync(channel, queue), Is.EqualTo(Texts("1", "3")));
    }

    [Test]
    public async Task Ack_multiple_removes_every_delivery_up_to_the_tag()
    {
        var (channel, queue, consumer) = await ConsumeAsync("1", "2", "3");
        var deliveries = await consumer.TakeAsync(3, Timeout);

        await channel.BasicAckAsync(deliveries[1].DeliveryTag, multiple: true);

        Assert.That(await RequeuedAfterCloseAsync(channel, queue), Is.EqualTo(Texts("3")));
    }

    [Test]
    public async Task Ack_multiple_with_tag_zero_acknowledges_everything_outstanding()
    {
        var (channel, queue, consumer) = await ConsumeAsync("1", "2", "3");
        await consumer.TakeAsync(3, Timeout);

        await channel.BasicAckAsync(0, multiple: true);

        Assert.That(await RequeuedAfterCloseAsync(channel, queue), Is.Empty);
    }

    [Test]
    public async Task Nack_multiple_with_requeue_returns_every_delivery_up_to_the_tag_as_redelivered()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await PublishAsync(channel, queue, "1", "2", "3", "4");
        var got = await GetUnackedAsync(channel, queue, 4);

        await channel.BasicNackAsync(got[2].DeliveryTag, multiple: true, requeue: true);

        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(queue) == 3), Is.True);
        var again = await GetUnackedAsync(channel, queue, 3);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(again.Select(r => Text(r.Body)), Is.EqualTo(Texts("1", "2", "3")));
            Assert.That(again.Select(r => r.Redelivered), Is.All.True);
            Assert.That(again.Select(r => r.DeliveryTag), Is.EqualTo(new ulong[] { 5, 6, 7 }), "requeued messages get new delivery tags");
        }

        await channel.BasicAckAsync(0, multiple: true);
        Assert.That(await RequeuedAfterCloseAsync(channel, queue), Is.Empty, "'4' was still unacked and acked by tag 0");
    }

    [Test]
    public async Task Nack_without_requeue_discards_the_messages()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await PublishAsync(channel, queue, "1", "2", "3");
        var got = await GetUnackedAsync(channel, queue, 3);

        await channel.BasicNackAsync(got[1].DeliveryTag, multiple: true, requeue: false);

        Assert.That(await RequeuedAfterCloseAsync(channel, queue), Is.EqualTo(Texts("3")));
    }

    [Test]
    public async Task Reject_with_requeue_returns_the_message_as_redelivered()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await PublishAsync(channel, queue, "only");
        var first = (await GetUnackedAsync(channel, queue, 1))[0];
        Assert.That(first.Redelivered, Is.False);

        await channel.BasicRejectAsync(first.DeliveryTag, requeue: true);

        var again = await GetEventuallyAsync(channel, queue, autoAck: true);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Text(again.Body), Is.EqualTo("only"));
            Assert.That(again.Redelivered, Is.True);
            Assert.That(again.DeliveryTag, Is.EqualTo(2ul));
        }
    }

    [Test]
    public async Task Reject_without_requeue_discards_the_message()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await PublishAsync(channel, queue, "1", "2");
        var got = await GetUnackedAsync(channel, queue, 2);

        await channel.BasicRejectAsync(got[0].DeliveryTag, requeue: false);

        Assert.That(await RequeuedAfterCloseAsync(channel, queue), Is.EqualTo(Texts("2")));
    }

    [Test]
    public async Task Requeued_messages_go_back_to_their_original_position_ahead_of_newer_ones()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await PublishAsync(channel, queue, "1", "2", "3", "4", "5");
        var got = await GetUnackedAsync(channel, queue, 3);

        // Requeued out of order: 3 first, then 1; 2 stays unacked.
        await channel.BasicRejectAsync(got[2].DeliveryTag, requeue: true);
        await channel.BasicRejectAsync(got[0].DeliveryTag, requeue: true);

        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(queue) == 4), Is.True);
        var again = new List<BasicGetResult>();
        for (var i = 0; i < 4; i++)
        {
            again.Add(await GetEventuallyAsync(channel, queue, autoAck: true));
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(again.Select(r => Text(r.Body)), Is.EqualTo(Texts("1", "3", "4", "5")));
            Assert.That(again.Select(r => r.Redelivered), Is.EqualTo(Flags(true, true, false, false)));
        }
    }

    [Test]
    public async Task Nacked_messages_with_gaps_are_redelivered_to_a_consumer_in_queue_order()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await PublishAsync(channel, queue, "1", "2", "3", "4", "5");
        var got = await GetUnackedAsync(channel, queue, 5);

        await channel.BasicNackAsync(got[3].DeliveryTag, multiple: false, requeue: true);
        await channel.BasicNackAsync(got[1].DeliveryTag, multiple: false, requeue: true);
        await channel.BasicAckAsync(0, multiple: true);

        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(queue) == 2), Is.True);
        var consumer = new CollectingConsumer(channel);
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        var again = await consumer.TakeAsync(2, Timeout);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(again.Select(d => d.Text), Is.EqualTo(Texts("2", "4")));
            Assert.That(again.Select(d => d.Redelivered), Is.All.True);
        }
    }

    [Test]
    public async Task Ack_multiple_covers_deliveries_from_every_consumer_of_the_channel()
    {
        var channel = await OpenChannelAsync();
        var q1 = await DeclareQueueAsync(channel, "a");
        var q2 = await DeclareQueueAsync(channel, "b");
        var c1 = new CollectingConsumer(channel);
        var c2 = new CollectingConsumer(channel);
        await channel.BasicConsumeAsync(q1, autoAck: false, c1);
        await channel.BasicConsumeAsync(q2, autoAck: false, c2);
        await PublishAsync(channel, q1, "a1", "a2");
        await PublishAsync(channel, q2, "b1", "b2");
        var all = (await c1.TakeAsync(2, Timeout)).Concat(await c2.TakeAsync(2, Timeout)).ToList();
        Assert.That(all.Select(d => d.DeliveryTag), Is.EquivalentTo(new ulong[] { 1, 2, 3, 4 }), "one tag sequence per channel");

        await channel.BasicAckAsync(all.Max(d => d.DeliveryTag), multiple: true);
        await channel.CloseAsync();

        var other = await OpenChannelAsync();
        await Task.Delay(QuietPeriod);
        Assert.That((await other.MessageCountAsync(q1), await other.MessageCountAsync(q2)), Is.EqualTo((0u, 0u)));
    }

    [Test]
    public async Task Deliveries_of_a_cancelled_consumer_stay_unacked_and_can_still_be_acked()
    {
        var (channel, queue, consumer) = await ConsumeAsync("1", "2");
        var deliveries = await consumer.TakeAsync(2, Timeout);
        var watch = WatchClose(channel);

        await channel.BasicCancelAsync(deliveries[0].ConsumerTag);
        await channel.BasicAckAsync(deliveries[0].DeliveryTag, multiple: false);

        await Task.Delay(QuietPeriod);
        Assert.That(watch.Closed.IsCompleted, Is.False, "the tag is still valid after basic.cancel");
        Assert.That(await RequeuedAfterCloseAsync(channel, queue), Is.EqualTo(Texts("2")), "the other delivery stayed unacked");
    }

    [Test]
    public async Task Deliveries_from_a_deleted_queue_can_still_be_settled()
    {
        var (channel, queue, consumer) = await ConsumeAsync("1", "2");
        var deliveries = await consumer.TakeAsync(2, Timeout);
        var other = await OpenChannelAsync();
        await other.QueueDeleteAsync(queue);
        await consumer.ServerCancelled.WaitAsync(Timeout);
        var watch = WatchClose(channel);

        await channel.BasicAckAsync(deliveries[0].DeliveryTag, multiple: false);
        await channel.BasicNackAsync(deliveries[1].DeliveryTag, multiple: false, requeue: true);

        await Task.Delay(QuietPeriod);
        Assert.That(watch.Closed.IsCompleted, Is.False);
        await DeclareQueueAsync(channel);
    }

    [Test]
    public async Task Ack_of_an_unknown_delivery_tag_closes_the_channel_with_PRECONDITION_FAILED()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var watch = WatchClose(channel);

        await channel.BasicAckAsync(99, multiple: false);

        var reason = await watch.WaitAsync(Timeout);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(406));
            Assert.That(reason.ReplyText, Is.EqualTo("PRECONDITION_FAILED - unknown delivery tag 99"));
            Assert.That(reason.ClassId, Is.EqualTo((ushort)60));
            Assert.That(reason.MethodId, Is.EqualTo((ushort)80));
            Assert.That(connection.IsOpen, Is.True, "a channel error only");
        }
    }

    [Test]
    public async Task Acking_a_delivery_twice_closes_the_channel_with_PRECONDITION_FAILED()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await PublishAsync(channel, queue, "1");
        var got = (await GetUnackedAsync(channel, queue, 1))[0];
        var watch = WatchClose(channel);

        await channel.BasicAckAsync(got.DeliveryTag, multiple: false);
        await channel.BasicAckAsync(got.DeliveryTag, multiple: false);

        var reason = await watch.WaitAsync(Timeout);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(406));
            Assert.That(reason.ReplyText, Is.EqualTo($"PRECONDITION_FAILED - unknown delivery tag {got.DeliveryTag}"));
        }

        var other = await OpenChannelAsync();
        Assert.That(await other.MessageCountAsync(queue), Is.Zero, "the first ack took effect");
    }

    [Test]
    public async Task Acking_an_auto_acked_delivery_closes_the_channel_with_PRECONDITION_FAILED()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await PublishAsync(channel, queue, "1");
        var got = await GetEventuallyAsync(channel, queue, autoAck: true);
        var watch = WatchClose(channel);

        await channel.BasicAckAsync(got.DeliveryTag, multiple: false);

        var reason = await watch.WaitAsync(Timeout);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(406));
            Assert.That(reason.ReplyText, Is.EqualTo("PRECONDITION_FAILED - unknown delivery tag 1"));
        }
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

        var nack = await nackWatch.WaitAsync(Timeout);
        var reject = await rejectWatch.WaitAsync(Timeout);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(nack.ReplyCode, Is.EqualTo(406));
            Assert.That(nack.ReplyText, Is.EqualTo("PRECONDITION_FAILED - unknown delivery tag 7"));
            Assert.That(nack.MethodId, Is.EqualTo((ushort)120));
            Assert.That(reject.ReplyCode, Is.EqualTo(406));
            Assert.That(reject.ReplyText, Is.EqualTo("PRECONDITION_FAILED - unknown delivery tag 8"));
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

        var fromOne = (await GetUnackedAsync(one, queue, 1))[0];
        var fromTwo = (await GetUnackedAsync(two, queue, 1))[0];
        Assert.That((fromOne.DeliveryTag, fromTwo.DeliveryTag), Is.EqualTo((1ul, 1ul)));

        var watch = WatchClose(two);
        await two.BasicAckAsync(fromTwo.DeliveryTag, multiple: false);
        await two.BasicAckAsync(2, multiple: false);
        var reason = await watch.WaitAsync(Timeout);
        Assert.That(reason.ReplyText, Is.EqualTo("PRECONDITION_FAILED - unknown delivery tag 2"));
        Assert.That(one.IsOpen, Is.True);
    }

    [Test]
    public async Task Basic_recover_with_requeue_redelivers_unacked_messages_flagged_redelivered()
    {
        var setup = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(setup);
        await PublishAsync(setup, queue, "1", "2");
        await using var raw = await RawClient.ConnectAsync(AmqpUri);
        await raw.OpenChannelAsync(1);
        await ConsumeRawAsync(raw, queue);
        var first = await ReadDeliveriesAsync(raw, 2);
        Assert.That(first.Select(d => (d.Tag, d.Redelivered, d.Text)), Is.EqualTo(new[] { (1ul, false, "1"), (2ul, false, "2") }));

        await raw.SendMethodAsync(1, 60, 110, w => w.Octet(1));

        var again = await ReadDeliveriesAsync(raw, 2, expectRecoverOk: true);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(again.Select(d => d.Text), Is.EqualTo(Texts("1", "2")));
            Assert.That(again.Select(d => d.Redelivered), Is.All.True);
            Assert.That(again.Select(d => d.Tag), Is.EqualTo(new ulong[] { 3, 4 }), "redeliveries get new tags");
        }
    }

    [Test]
    public async Task Basic_recover_async_with_requeue_redelivers_without_a_reply()
    {
        var setup = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(setup);
        await PublishAsync(setup, queue, "1");
        await using var raw = await RawClient.ConnectAsync(AmqpUri);
        await raw.OpenChannelAsync(1);
        await ConsumeRawAsync(raw, queue);
        await ReadDeliveriesAsync(raw, 1);

        await raw.SendMethodAsync(1, 60, 100, w => w.Octet(1));

        var again = await ReadDeliveriesAsync(raw, 1);
        Assert.That(again.Single(), Is.EqualTo(new RawDelivery(2, true, "1")));
    }

    [Test]
    public async Task Basic_recover_requeues_basic_get_deliveries()
    {
        var setup = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(setup);
        await PublishAsync(setup, queue, "1");
        await using var raw = await RawClient.ConnectAsync(AmqpUri);
        await raw.OpenChannelAsync(1);
        await raw.SendMethodAsync(1, 60, 70, w => w.Short(0).ShortStr(queue).Octet(0));
        await raw.ExpectMethodAsync(1, 60, 71);
        await ReadContentAsync(raw);
        Assert.That(await setup.MessageCountAsync(queue), Is.Zero);

        await raw.SendMethodAsync(1, 60, 110, w => w.Octet(1));
        await raw.ExpectMethodAsync(1, 60, 111);

        Assert.That(await EventuallyAsync(async () => await setup.MessageCountAsync(queue) == 1), Is.True);
        var again = await GetEventuallyAsync(setup, queue, autoAck: true);
        Assert.That(again.Redelivered, Is.True);
    }

    [Test]
    public async Task Basic_recover_without_requeue_closes_the_connection_with_NOT_IMPLEMENTED()
    {
        var setup = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(setup);
        await PublishAsync(setup, queue, "1");
        await using var raw = await RawClient.ConnectAsync(AmqpUri);
        await raw.OpenChannelAsync(1);
        await ConsumeRawAsync(raw, queue);
        await ReadDeliveriesAsync(raw, 1);

        await raw.SendMethodAsync(1, 60, 110, w => w.Octet(0));
        var close = await raw.ExpectConnectionCloseAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(close.ReplyCode, Is.EqualTo(540));
            Assert.That(close.ReplyText, Is.EqualTo("NOT_IMPLEMENTED - requeue=false"));
            Assert.That(close.ClassId, Is.EqualTo((ushort)60));
            Assert.That(close.MethodId, Is.EqualTo((ushort)110));
        }

        Assert.That(await EventuallyAsync(async () => await setup.MessageCountAsync(queue) == 1), Is.True, "the unacked message is requeued when the connection goes");
    }

    [Test]
    public async Task Basic_recover_async_without_requeue_closes_the_connection_with_NOT_IMPLEMENTED()
    {
        await using var raw = await RawClient.ConnectAsync(AmqpUri);
        await raw.OpenChannelAsync(1);

        await raw.SendMethodAsync(1, 60, 100, w => w.Octet(0));
        var close = await raw.ExpectConnectionCloseAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(close.ReplyCode, Is.EqualTo(540));
            Assert.That(close.ReplyText, Is.EqualTo("NOT_IMPLEMENTED - requeue=false"));
            Assert.That(close.MethodId, Is.EqualTo((ushort)100));
        }
    }

    private sealed record RawDelivery(ulong Tag, bool Redelivered, string Text);

    private static string[] Texts(params string[] texts) => texts;

    private static bool[] Flags(params bool[] flags) => flags;

    private async Task<(IChannel Channel, string Queue, CollectingConsumer Consumer)> ConsumeAsync(params string[] bodies)
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await PublishAsync(channel, queue, bodies);
        var consumer = new CollectingConsumer(channel);
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer);
        return (channel, queue, consumer);
    }

    /// <summary>
    /// Closes <paramref name="channel"/> (requeueing whatever it still holds unacked) and drains the queue
    /// from a fresh connection: the bodies left, in queue order.
    /// </summary>
    private async Task<List<string>> RequeuedAfterCloseAsync(IChannel channel, string queue)
    {
        await channel.CloseAsync();
        var other = await OpenChannelAsync();
        await Task.Delay(QuietPeriod);
        var left = new List<string>();
        while (await other.BasicGetAsync(queue, autoAck: true) is { } result)
        {
            left.Add(Text(result.Body));
        }

        return left;
    }

    private static async Task<List<BasicGetResult>> GetUnackedAsync(IChannel channel, string queue, int count)
    {
        var results = new List<BasicGetResult>();
        for (var i = 0; i < count; i++)
        {
            results.Add(await GetEventuallyAsync(channel, queue, autoAck: false));
        }

        return results;
    }

    private static async Task<BasicGetResult> GetEventuallyAsync(IChannel channel, string queue, bool autoAck)
    {
        BasicGetResult? result = null;
        var arrived = await EventuallyAsync(async () => (result = await channel.BasicGetAsync(queue, autoAck)) is not null);
        Assert.That(arrived, Is.True, $"nothing arrived in {queue}");
        return result!;
    }

    private static async Task ConsumeRawAsync(RawClient raw, string queue)
    {
        await raw.SendMethodAsync(1, 60, 20, w => w.Short(0).ShortStr(queue).ShortStr("raw").Octet(0).EmptyTable());
        await raw.ExpectMethodAsync(1, 60, 21);
    }

    /// <summary>Reads <paramref name="count"/> basic.deliver with their content (and a recover-ok in any position when asked).</summary>
    private static async Task<List<RawDelivery>> ReadDeliveriesAsync(RawClient raw, int count, bool expectRecoverOk = false)
    {
        var deliveries = new List<RawDelivery>();
        var recoverOk = false;
        while (deliveries.Count < count || (expectRecoverOk && !recoverOk))
        {
            var method = await raw.ReadMethodAsync();
            if (expectRecoverOk && method is { Channel: 1, ClassId: 60, MethodId: 111 })
            {
                recoverOk = true;
                continue;
            }

            Assert.That((method.Channel, method.ClassId, method.MethodId), Is.EqualTo(((ushort)1, (ushort)60, (ushort)60)), "basic.deliver expected");
            var args = method.Args;
            var offset = 1 + args[0];
            var tag = BinaryPrimitives.ReadUInt64BigEndian(args.AsSpan(offset));
            var redelivered = (args[offset + 8] & 1) != 0;
            deliveries.Add(new RawDelivery(tag, redelivered, await ReadContentAsync(raw)));
        }

        return deliveries;
    }

    private static async Task<string> ReadContentAsync(RawClient raw)
    {
        var header = await raw.ReadFrameAsync();
        Assert.That(header.Type, Is.EqualTo((byte)2), "content header expected");
        var size = BinaryPrimitives.ReadUInt64BigEndian(header.Payload.AsSpan(4));
        var body = new List<byte>();
        while ((ulong)body.Count < size)
        {
            var frame = await raw.ReadFrameAsync();
            Assert.That(frame.Type, Is.EqualTo((byte)3), "content body expected");
            body.AddRange(frame.Payload);
        }

        return Encoding.UTF8.GetString([.. body]);
    }
}
