using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Methods;
using AmqpBroker.Server.Tests.TestSupport;

namespace AmqpBroker.Server.Tests.Channels;

/// <summary>Channel lifecycle, soft errors, connection.close, and content assembly over a real connection.</summary>
[TestFixture]
public sealed class ChannelTests : ServerFixture
{
    [Test]
    public async Task A_soft_error_closes_only_its_channel_and_another_channel_keeps_working()
    {
        var client = await ConnectAndOpenAsync();
        await client.OpenChannelAsync(2);

        await client.SendMethodAsync(1, new QueueDeclare { Queue = "missing", Passive = true });

        var close = await client.ExpectChannelCloseAsync(1, ReplyCode.NotFound);
        Assert.That(close.ReplyText, Is.EqualTo("NOT_FOUND - no queue 'missing' in vhost '/'"));
        Assert.That((close.ClassId, close.MethodId), Is.EqualTo(((ushort)50, (ushort)10)));

        var declared = await client.DeclareQueueAsync(2, "q2");
        Assert.That(declared.Queue, Is.EqualTo("q2"));
    }

    [Test]
    public async Task After_channel_close_ok_the_channel_number_can_be_reopened()
    {
        var client = await ConnectAndOpenAsync();
        await client.SendMethodAsync(1, new QueueDeclare { Queue = "missing", Passive = true });
        await client.ExpectChannelCloseAsync(1, ReplyCode.NotFound);

        await client.SendMethodAsync(1, new ChannelCloseOk());
        await client.OpenChannelAsync(1);

        Assert.That((await client.DeclareQueueAsync(1, "q")).Queue, Is.EqualTo("q"));
    }

    [Test]
    public async Task Methods_on_a_closing_channel_are_ignored_until_close_ok()
    {
        var client = await ConnectAndOpenAsync();
        await client.OpenChannelAsync(2);
        await client.SendMethodAsync(1, new QueueDeclare { Queue = "missing", Passive = true });
        await client.ExpectChannelCloseAsync(1, ReplyCode.NotFound);

        await client.SendMethodAsync(1, new QueueDeclare { Queue = "ignored" });
        await client.PublishAsync(1, "", "ignored", "x"u8.ToArray());
        await client.DeclareQueueAsync(2, "marker");

        Assert.That(Broker.FindVirtualHost("/")!.FindQueue("ignored"), Is.Null);
        await client.SendMethodAsync(1, new ChannelCloseOk());
        await client.OpenChannelAsync(1);
    }

    [Test]
    public async Task Channel_close_from_the_client_is_answered_and_frees_the_number()
    {
        var client = await ConnectAndOpenAsync();

        await client.SendMethodAsync(1, new ChannelClose { ReplyCode = 200, ReplyText = "bye" });

        await client.ExpectAsync<ChannelCloseOk>(1);
        await client.OpenChannelAsync(1);
    }

    [Test]
    public async Task Closing_a_channel_requeues_its_unacked_messages()
    {
        var client = await ConnectAndOpenAsync();
        await client.DeclareQueueAsync(1, "q");
        await client.PublishAsync(1, "", "q", "m1"u8.ToArray());
        var first = await client.GetAsync(1, "q", noAck: false);
        Assert.That(first.GetOk.Redelivered, Is.False);

        await client.SendMethodAsync(1, new ChannelClose { ReplyCode = 200, ReplyText = "bye" });
        await client.ExpectAsync<ChannelCloseOk>(1);
        await client.OpenChannelAsync(1);

        var again = await client.GetAsync(1, "q");
        Assert.That(again.GetOk.Redelivered, Is.True);
        Assert.That(again.Body, Is.EqualTo("m1"u8.ToArray()));
    }

    [Test]
    public async Task A_client_that_disappears_without_closing_is_cleaned_up()
    {
        var client = await ConnectAndOpenAsync();
        await client.DeclareQueueAsync(1, "q");
        await client.PublishAsync(1, "", "q", "m1"u8.ToArray());
        await client.GetAsync(1, "q", noAck: false);

        client.CompleteOutput();

        await client.ExpectEndAsync();
        Assert.That(Broker.ConnectionCount, Is.Zero);
        var queue = Broker.FindVirtualHost("/")!.FindQueue("q")!;
        Assert.That((queue.ReadyCount, queue.UnackedCount), Is.EqualTo((1, 0)), "the unacked message went back");
    }

    [Test]
    public async Task A_publish_whose_body_spans_several_frames_is_routed_intact()
    {
        var client = await ConnectAndOpenAsync(frameMax: 4096);
        await client.DeclareQueueAsync(1, "q");
        var body = new byte[10_000];
        new Random(7).NextBytes(body);
        var properties = new BasicProperties { ContentType = "application/octet-stream", MessageId = "m-1", DeliveryMode = 2, Headers = new Dictionary<string, object?> { ["k"] = "v" } }.Encode();

        await client.PublishAsync(1, "", "q", body, properties);

        var (getOk, receivedProperties, receivedBody, _) = await client.GetAsync(1, "q");
        Assert.That((getOk.Exchange, getOk.RoutingKey, getOk.MessageCount), Is.EqualTo(("", "q", 0u)));
        Assert.That(receivedBody, Is.EqualTo(body));
        Assert.That(receivedProperties, Is.EqualTo(properties), "properties are re-sent byte-identical");
    }

    [Test]
    public async Task A_publish_with_an_empty_body_needs_no_body_frame()
    {
        var client = await ConnectAndOpenAsync();
        await client.DeclareQueueAsync(1, "q");

        await client.PublishAsync(1, "", "q", Array.Empty<byte>());

        var (_, _, body, frames) = await client.GetAsync(1, "q");
        Assert.That(body, Is.Empty);
        Assert.That(frames, Is.Empty);
    }

    [Test]
    public async Task Body_frames_arriving_a_byte_at_a_time_are_assembled()
    {
        var client = await ConnectAndOpenAsync();
        await client.DeclareQueueAsync(1, "q");
        var publish = new List<byte>(TestClient.Encode(1, new BasicPublish { RoutingKey = "q" }));
        var header = new byte[14];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(header, 60);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(4), 6);
        publish.AddRange(TestClient.RawFrame(2, 1, header));
        publish.AddRange(TestClient.RawFrame(3, 1, "abc"u8));
        publish.AddRange(TestClient.RawFrame(3, 1, "def"u8));

        await client.SendInPiecesAsync(publish.ToArray(), chunk: 1);

        Assert.That((await client.GetAsync(1, "q")).Body, Is.EqualTo("abcdef"u8.ToArray()));
    }

    [Test]
    public async Task Deliveries_to_a_consumer_are_split_into_frames_within_the_negotiated_frame_max()
    {
        var client = await ConnectAndOpenAsync(frameMax: 4096);
        await client.DeclareQueueAsync(1, "q");
        await client.SendMethodAsync(1, new BasicConsume { Queue = "q", ConsumerTag = "c", NoAck = true });
        await client.ExpectAsync<BasicConsumeOk>(1);
        var body = new byte[3 * 4088 + 5];
        new Random(11).NextBytes(body);

        await client.PublishAsync(1, "", "q", body);

        var deliver = await client.ExpectAsync<BasicDeliver>(1);
        Assert.That((deliver.ConsumerTag, deliver.DeliveryTag, deliver.RoutingKey), Is.EqualTo(("c", 1ul, "q")));
        var (_, receivedBody, frames) = await client.ReadContentAsync(1);
        Assert.That(receivedBody, Is.EqualTo(body));
        Assert.That(frames.Select(f => f.Payload.Length), Is.EqualTo(new[] { 4088, 4088, 4088, 5 }), "each frame, with its 8 bytes of framing, fits 4096");
    }

    [Test]
    public async Task Consume_ok_reaches_the_client_before_the_first_delivery()
    {
        var client = await ConnectAndOpenAsync();
        await client.DeclareQueueAsync(1, "q");
        for (var i = 0; i < 5; i++)
        {
            await client.PublishAsync(1, "", "q", new[] { (byte)i });
        }

        await client.SendMethodAsync(1, new BasicConsume { Queue = "q", ConsumerTag = "c" });

        await client.ExpectAsync<BasicConsumeOk>(1);
        for (var i = 0; i < 5; i++)
        {
            var deliver = await client.ExpectAsync<BasicDeliver>(1);
            Assert.That(deliver.DeliveryTag, Is.EqualTo((ulong)i + 1));
            Assert.That((await client.ReadContentAsync(1)).Body, Is.EqualTo(new[] { (byte)i }));
        }
    }

    [Test]
    public async Task A_message_published_on_one_connection_is_delivered_on_another()
    {
        var consumer = await ConnectAndOpenAsync();
        var publisher = await ConnectAndOpenAsync();
        await consumer.DeclareQueueAsync(1, "q");
        await consumer.SendMethodAsync(1, new BasicConsume { Queue = "q", ConsumerTag = "c" });
        await consumer.ExpectAsync<BasicConsumeOk>(1);

        await publisher.PublishAsync(1, "", "q", "hello"u8.ToArray());

        await consumer.ExpectAsync<BasicDeliver>(1);
        Assert.That((await consumer.ReadContentAsync(1)).Body, Is.EqualTo("hello"u8.ToArray()));
        await consumer.SendMethodAsync(1, new BasicAck { DeliveryTag = 1 });
        await consumer.DeclareQueueAsync(1, "q");
        Assert.That(Broker.FindVirtualHost("/")!.FindQueue("q")!.UnackedCount, Is.Zero);
    }

    [Test]
    public async Task An_unknown_delivery_tag_closes_the_channel_with_precondition_failed()
    {
        var client = await ConnectAndOpenAsync();

        await client.SendMethodAsync(1, new BasicAck { DeliveryTag = 5 });

        var close = await client.ExpectChannelCloseAsync(1, ReplyCode.PreconditionFailed);
        Assert.That(close.ReplyText, Is.EqualTo("PRECONDITION_FAILED - unknown delivery tag 5"));
        Assert.That((close.ClassId, close.MethodId), Is.EqualTo(((ushort)60, (ushort)80)));
    }

    [Test]
    public async Task Reusing_a_consumer_tag_closes_the_connection_with_not_allowed()
    {
        var client = await ConnectAndOpenAsync();
        await client.DeclareQueueAsync(1, "q");
        await client.SendMethodAsync(1, new BasicConsume { Queue = "q", ConsumerTag = "t1" });
        await client.ExpectAsync<BasicConsumeOk>(1);

        await client.SendMethodAsync(1, new BasicConsume { Queue = "q", ConsumerTag = "t1" });

        var close = await client.ExpectConnectionCloseAsync(ReplyCode.NotAllowed);
        Assert.That(close.ReplyText, Is.EqualTo("NOT_ALLOWED - attempt to reuse consumer tag 't1'"));
        Assert.That((close.ClassId, close.MethodId), Is.EqualTo(((ushort)60, (ushort)20)));
        await client.AcknowledgeCloseAsync();
    }

    /// <summary>
    /// A declare of the direct reply-to pseudo-queue is answered as any declare is (rabbit_channel:return_queue_declare_ok
    /// at v4.3.5): nothing with no-wait, so the next reply is the next method's.
    /// </summary>
    [Test]
    public async Task A_no_wait_declare_of_the_direct_reply_to_pseudo_queue_sends_no_declare_ok()
    {
        var client = await ConnectAndOpenAsync();

        await client.SendMethodAsync(1, new QueueDeclare { Queue = "amq.rabbitmq.reply-to", NoWait = true });

        Assert.That((await client.DeclareQueueAsync(1, "marker")).Queue, Is.EqualTo("marker"));
    }

    [Test]
    public async Task Deleting_a_queue_consumed_on_the_same_channel_answers_delete_ok_then_cancel()
    {
        // RabbitMQ 3.10.8 (checked, 8 of 8 runs): queue.delete-ok first, then basic.cancel, in one read.
        var client = await ConnectAndOpenAsync();
        await client.DeclareQueueAsync(1, "q");
        await client.SendMethodAsync(1, new BasicConsume { Queue = "q", ConsumerTag = "c" });
        await client.ExpectAsync<BasicConsumeOk>(1);

        await client.SendMethodAsync(1, new QueueDelete { Queue = "q" });

        await client.ExpectAsync<QueueDeleteOk>(1);
        Assert.That((await client.ExpectAsync<BasicCancel>(1)).ConsumerTag, Is.EqualTo("c"));
    }

    [Test]
    public async Task Deleting_a_consumed_queue_sends_basic_cancel_to_the_consumer()
    {
        var client = await ConnectAndOpenAsync();
        await client.OpenChannelAsync(2);
        await client.DeclareQueueAsync(1, "q");
        await client.SendMethodAsync(1, new BasicConsume { Queue = "q", ConsumerTag = "c" });
        await client.ExpectAsync<BasicConsumeOk>(1);

        await client.SendMethodAsync(2, new QueueDelete { Queue = "q" });

        var frames = new[] { await client.ExpectFrameAsync(), await client.ExpectFrameAsync() };
        var cancel = frames.Single(f => f.IsMethod<BasicCancel>());
        Assert.That(cancel.Channel, Is.EqualTo((ushort)1));
        Assert.That(cancel.Read<BasicCancel>().ConsumerTag, Is.EqualTo("c"));
        Assert.That(frames.Single(f => f.IsMethod<QueueDeleteOk>()).Channel, Is.EqualTo((ushort)2));
    }
}
