using System.Buffers.Binary;

namespace AmqpBroker.InteropTests.Amqp.Basic;

/// <summary>
/// basic.recover and basic.recover-async, which RabbitMQ.Client 7 cannot send: over <see cref="RawClient"/>.
/// RabbitMQ implements only requeue=true.
/// </summary>
public sealed class RecoverTests : BrokerTestBase
{
    [Test]
    public async Task Basic_recover_with_requeue_redelivers_unacked_messages_flagged_redelivered()
    {
        await using var raw = await RawClient.ConnectAsync(AmqpUri);
        var (_, queue) = await QueueAndRawChannelAsync(raw, "1", "2");
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
        await using var raw = await RawClient.ConnectAsync(AmqpUri);
        var (_, queue) = await QueueAndRawChannelAsync(raw, "1");
        await ConsumeRawAsync(raw, queue);
        await ReadDeliveriesAsync(raw, 1);

        await raw.SendMethodAsync(1, 60, 100, w => w.Octet(1));

        var again = await ReadDeliveriesAsync(raw, 1);
        Assert.That(again.Single(), Is.EqualTo(new RawDelivery(2, true, "1")));
    }

    [Test]
    public async Task Basic_recover_requeues_basic_get_deliveries()
    {
        await using var raw = await RawClient.ConnectAsync(AmqpUri);
        var (setup, queue) = await QueueAndRawChannelAsync(raw, "1");
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
        await using var raw = await RawClient.ConnectAsync(AmqpUri);
        var (setup, queue) = await QueueAndRawChannelAsync(raw, "1");
        await ConsumeRawAsync(raw, queue);
        await ReadDeliveriesAsync(raw, 1);

        await raw.SendMethodAsync(1, 60, 110, w => w.Octet(0));
        var close = await raw.ExpectConnectionCloseAsync();
        AssertClose(close, 540, "NOT_IMPLEMENTED - requeue=false");
        AssertFailedMethod(close, 60, 110);

        Assert.That(await EventuallyAsync(async () => await setup.MessageCountAsync(queue) == 1), Is.True, "the unacked message is requeued when the connection goes");
    }

    [Test]
    public async Task Basic_recover_async_without_requeue_closes_the_connection_with_NOT_IMPLEMENTED()
    {
        await using var raw = await RawClient.ConnectAsync(AmqpUri);
        await raw.OpenChannelAsync(1);

        await raw.SendMethodAsync(1, 60, 100, w => w.Octet(0));
        var close = await raw.ExpectConnectionCloseAsync();
        AssertClose(close, 540, "NOT_IMPLEMENTED - requeue=false");
        Assert.That(close.MethodId, Is.EqualTo((ushort)100));
    }

    /// <summary>
    /// A fresh queue holding <paramref name="bodies"/> (published with confirms, so they are there before the raw
    /// client asks), the channel that filled it, and channel 1 opened on <paramref name="raw"/>.
    /// </summary>
    private async Task<(IChannel Setup, string Queue)> QueueAndRawChannelAsync(RawClient raw, params string[] bodies)
    {
        var setup = await OpenConfirmChannelAsync();
        var queue = await DeclareQueueAsync(setup);
        await PublishAsync(setup, queue, bodies);
        await raw.OpenChannelAsync(1);
        return (setup, queue);
    }

    private sealed record RawDelivery(ulong Tag, bool Redelivered, string Text);

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
