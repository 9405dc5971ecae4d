using System.Text;
using AmqpBroker.InteropTests.Support;

namespace AmqpBroker.InteropTests;

/// <summary>
/// The basic flows every client relies on, as RabbitMQ 3.10 answers them: queue and binding lifecycle with
/// message counts, the default exchange and amq.direct, basic.get, consuming with acks, round-robin between
/// consumers, requeue on channel and connection close, large bodies and every content property.
/// </summary>
[TestFixture]
public sealed class FoundationFlowTests : BrokerTestBase
{
    private static readonly CreateChannelOptions Confirms = new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);

    [Test]
    public async Task Declare_purge_and_delete_report_message_counts()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync(Confirms);
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
    public async Task Consumer_count_follows_consume_and_cancel()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);

        var first = await channel.BasicConsumeAsync(queue, autoAck: false, new CollectingConsumer(channel));
        var second = await channel.BasicConsumeAsync(queue, autoAck: false, new CollectingConsumer(channel));
        Assert.That((await channel.QueueDeclarePassiveAsync(queue)).ConsumerCount, Is.EqualTo(2));

        await channel.BasicCancelAsync(first);
        Assert.That(await channel.ConsumerCountAsync(queue), Is.EqualTo(1));
        await channel.BasicCancelAsync(second);
        Assert.That(await channel.ConsumerCountAsync(queue), Is.Zero);
    }

    [Test]
    public async Task Delete_if_empty_and_if_unused_refuse_with_precondition_failed()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync(Confirms);
        var queue = await DeclareQueueAsync(channel);
        await PublishAsync(channel, queue, "keep me");

        var notEmpty = await ExpectOperationInterruptedAsync(() => channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: true));
        Assert.That(notEmpty.ReplyCode, Is.EqualTo(406));
        Assert.That(notEmpty.ReplyText, Is.EqualTo($"PRECONDITION_FAILED - queue '{queue}' in vhost '/' not empty"));

        var consuming = await connection.CreateChannelAsync();
        await consuming.BasicConsumeAsync(queue, autoAck: false, new CollectingConsumer(consuming));
        var deleting = await connection.CreateChannelAsync();
        var inUse = await ExpectOperationInterruptedAsync(() => deleting.QueueDeleteAsync(queue, ifUnused: true, ifEmpty: false));
        Assert.That(inUse.ReplyCode, Is.EqualTo(406));
        Assert.That(inUse.ReplyText, Is.EqualTo($"PRECONDITION_FAILED - queue '{queue}' in vhost '/' in use"));

        Assert.That(await QueueExistsAsync(connection, queue), Is.True, "the refused deletes left the queue alone");
    }

    [Test]
    public async Task Default_exchange_routes_by_queue_name_and_drops_unknown_names()
    {
        var channel = await OpenChannelAsync(Confirms);
        var queue = await DeclareQueueAsync(channel);

        await channel.BasicPublishAsync(string.Empty, queue, Encoding.UTF8.GetBytes("direct to queue"));
        await channel.BasicPublishAsync(string.Empty, UniqueName("nobody"), Encoding.UTF8.GetBytes("dropped"));

        var got = await channel.BasicGetAsync(queue, autoAck: true);
        Assert.That(got, Is.Not.Null);
        Assert.That((got!.Exchange, got.RoutingKey, Text(got.Body)), Is.EqualTo((string.Empty, queue, "direct to queue")));
        Assert.That(channel.IsOpen, Is.True, "an unroutable publish is not an error");
        Assert.That(await channel.BasicGetAsync(queue, autoAck: true), Is.Null);
    }

    [Test]
    public async Task Bind_and_unbind_on_amq_direct()
    {
        var channel = await OpenChannelAsync(Confirms);
        var queue = await DeclareQueueAsync(channel);

        await channel.QueueBindAsync(queue, "amq.direct", "k1");
        await channel.QueueBindAsync(queue, "amq.direct", "k1");   // binding twice is one binding
        await channel.QueueBindAsync(queue, "amq.direct", "k2");
        await channel.BasicPublishAsync("amq.direct", "k1", Encoding.UTF8.GetBytes("one"));
        await channel.BasicPublishAsync("amq.direct", "k2", Encoding.UTF8.GetBytes("two"));
        await channel.BasicPublishAsync("amq.direct", "k3", Encoding.UTF8.GetBytes("unbound"));
        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(2));

        var first = await channel.BasicGetAsync(queue, autoAck: true);
        Assert.That((first?.Exchange, first?.RoutingKey, first is null ? null : Text(first.Body)), Is.EqualTo(("amq.direct", "k1", "one")));

        await channel.QueueUnbindAsync(queue, "amq.direct", "k1");
        await channel.BasicPublishAsync("amq.direct", "k1", Encoding.UTF8.GetBytes("after unbind"));
        await channel.BasicPublishAsync("amq.direct", "k2", Encoding.UTF8.GetBytes("still bound"));

        var rest = new List<string>();
        while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
        {
            rest.Add(Text(message.Body));
        }

        Assert.That(string.Join(",", rest), Is.EqualTo("two,still bound"));
    }

    [Test]
    public async Task Unbinding_what_is_not_bound_succeeds()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);

        await channel.QueueUnbindAsync(queue, "amq.direct", "never-bound");
        Assert.That(channel.IsOpen, Is.True);
    }

    [Test]
    public async Task Declared_exchange_routes_until_its_binding_and_then_itself_are_deleted()
    {
        var channel = await OpenChannelAsync(Confirms);
        var queue = await DeclareQueueAsync(channel);
        var exchange = TrackExchange(UniqueName("ex"));
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Direct, durable: false, autoDelete: false);
        await channel.QueueBindAsync(queue, exchange, "red");

        await channel.BasicPublishAsync(exchange, "red", Encoding.UTF8.GetBytes("1"));
        await channel.QueueUnbindAsync(queue, exchange, "red");
        await channel.BasicPublishAsync(exchange, "red", Encoding.UTF8.GetBytes("2"));
        await channel.QueueBindAsync(queue, exchange, "red");
        await channel.BasicPublishAsync(exchange, "red", Encoding.UTF8.GetBytes("3"));
        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(2));

        await channel.ExchangeDeleteAsync(exchange);
        var reason = await ExpectOperationInterruptedAsync(() => channel.ExchangeDeclarePassiveAsync(exchange));
        Assert.That(reason.ReplyCode, Is.EqualTo(404));
        Assert.That(reason.ReplyText, Is.EqualTo($"NOT_FOUND - no exchange '{exchange}' in vhost '/'"));

        var other = await OpenChannelAsync();
        Assert.That(await other.MessageCountAsync(queue), Is.EqualTo(2), "deleting the exchange keeps what it routed");
    }

    [Test]
    public async Task Get_reports_the_messages_left_and_get_empty_when_none()
    {
        var channel = await OpenChannelAsync(Confirms);
        var queue = await DeclareQueueAsync(channel);
        await PublishAsync(channel, queue, "m0", "m1", "m2");

        var results = new List<(string Body, uint Left, ulong Tag, bool Redelivered)>();
        for (var i = 0; i < 3; i++)
        {
            var got = await channel.BasicGetAsync(queue, autoAck: false);
            Assert.That(got, Is.Not.Null, $"get {i}");
            results.Add((Text(got!.Body), got.MessageCount, got.DeliveryTag, got.Redelivered));
        }

        Assert.That(results, Is.EqualTo(new[] { ("m0", 2u, 1UL, false), ("m1", 1u, 2UL, false), ("m2", 0u, 3UL, false) }));
        Assert.That(await channel.BasicGetAsync(queue, autoAck: false), Is.Null, "get-empty");

        // Unacked gets are not counted as ready; acking all of them with multiple empties the queue for good.
        Assert.That(await channel.MessageCountAsync(queue), Is.Zero);
        await channel.BasicAckAsync(3, multiple: true);
        await channel.CloseAsync();

        var check = await OpenChannelAsync();
        Assert.That(await check.MessageCountAsync(queue), Is.Zero);
    }

    [Test]
    public async Task Get_with_auto_ack_removes_the_message_at_once()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync(Confirms);
        var queue = await DeclareQueueAsync(channel);
        await PublishAsync(channel, queue, "only");

        var got = await channel.BasicGetAsync(queue, autoAck: true);
        Assert.That((got is null ? null : Text(got.Body), got?.MessageCount), Is.EqualTo(("only", (uint?)0)));
        await channel.CloseAsync();

        var check = await connection.CreateChannelAsync();
        Assert.That(await check.BasicGetAsync(queue, autoAck: true), Is.Null, "nothing to requeue after an auto-ack get");
    }

    [Test]
    public async Task Consume_then_ack_multiple_and_single_requeues_only_the_rest_on_close()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync(Confirms);
        var queue = await DeclareQueueAsync(channel);
        await PublishAsync(channel, queue, [.. Enumerable.Range(0, 10).Select(i => $"m{i}")]);

        var consumer = new CollectingConsumer(channel);
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer);
        var deliveries = await consumer.TakeAsync(10, Timeout);
        Assert.That(deliveries.Select(d => (d.DeliveryTag, d.Text, d.Redelivered)), Is.EqualTo(Enumerable.Range(0, 10).Select(i => ((ulong)(i + 1), $"m{i}", false))));
        Assert.That(await consumer.AnyWithinAsync(QuietPeriod), Is.False, "ten messages, ten deliveries");

        await channel.BasicAckAsync(4, multiple: true);    // m0..m3
        await channel.BasicAckAsync(7, multiple: false);   // m6
        await channel.CloseAsync();

        var check = await connection.CreateChannelAsync();
        var left = new List<(string, bool)>();
        while (await check.BasicGetAsync(queue, autoAck: true) is { } message)
        {
            left.Add((Text(message.Body), message.Redelivered));
        }

        Assert.That(left, Is.EqualTo(new[] { ("m4", true), ("m5", true), ("m7", true), ("m8", true), ("m9", true) }));
    }

    [Test]
    public async Task Two_consumers_on_one_queue_take_turns()
    {
        var connection = await ConnectAsync();
        var channelA = await connection.CreateChannelAsync();
        var channelB = await connection.CreateChannelAsync();
        var publisher = await connection.CreateChannelAsync(Confirms);
        var queue = await DeclareQueueAsync(publisher);

        var a = new CollectingConsumer(channelA);
        var b = new CollectingConsumer(channelB);
        await channelA.BasicConsumeAsync(queue, autoAck: true, a);
        await channelB.BasicConsumeAsync(queue, autoAck: true, b);
        await PublishAsync(publisher, queue, [.. Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))]);

        var gotA = (await a.TakeAsync(5, Timeout)).Select(d => int.Parse(d.Text, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var gotB = (await b.TakeAsync(5, Timeout)).Select(d => int.Parse(d.Text, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.That(await a.AnyWithinAsync(QuietPeriod), Is.False, "five to A, no more");
        Assert.That((a.Received, b.Received), Is.EqualTo((5, 5)), "five each, no more");

        int[] evens = [0, 2, 4, 6, 8];
        int[] odds = [1, 3, 5, 7, 9];
        Assert.That(
            (gotA.SequenceEqual(evens) && gotB.SequenceEqual(odds)) || (gotA.SequenceEqual(odds) && gotB.SequenceEqual(evens)),
            Is.True,
            $"strict round-robin: A got [{string.Join(",", gotA)}], B got [{string.Join(",", gotB)}]");
    }

    [Test]
    public async Task Unacked_messages_are_requeued_in_order_and_redelivered_when_the_channel_closes()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync(Confirms);
        var queue = await DeclareQueueAsync(channel);
        await PublishAsync(channel, queue, "first", "second", "third", "fourth");

        var fromGet = await channel.BasicGetAsync(queue, autoAck: false);
        Assert.That(fromGet is null ? null : Text(fromGet.Body), Is.EqualTo("first"));
        var consumer = new CollectingConsumer(channel);
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer);
        var delivered = await consumer.TakeAsync(3, Timeout);
        Assert.That(delivered.Select(d => (d.Text, d.Redelivered)), Is.EqualTo(new[] { ("second", false), ("third", false), ("fourth", false) }));

        await channel.CloseAsync();

        var again = await connection.CreateChannelAsync();
        Assert.That(await again.MessageCountAsync(queue), Is.EqualTo(4));
        var redelivered = new CollectingConsumer(again);
        await again.BasicConsumeAsync(queue, autoAck: true, redelivered);
        var second = await redelivered.TakeAsync(4, Timeout);
        Assert.That(
            second.Select(d => (d.Text, d.Redelivered)),
            Is.EqualTo(new[] { ("first", true), ("second", true), ("third", true), ("fourth", true) }));
    }

    [Test]
    public async Task Unacked_messages_are_requeued_and_redelivered_when_the_connection_closes()
    {
        var consumerConnection = await ConnectAsync();
        var channel = await consumerConnection.CreateChannelAsync(Confirms);
        var queue = await DeclareQueueAsync(channel);
        await PublishAsync(channel, queue, "x", "y", "z");

        var consumer = new CollectingConsumer(channel);
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer);
        var delivered = await consumer.TakeAsync(3, Timeout);
        await channel.BasicAckAsync(delivered[1].DeliveryTag, multiple: false);   // y is done

        await consumerConnection.CloseAsync();

        var other = await OpenChannelAsync();
        Assert.That(await EventuallyAsync(async () => await other.MessageCountAsync(queue) == 2), Is.True, "x and z back in the queue");
        var first = await other.BasicGetAsync(queue, autoAck: true);
        var second = await other.BasicGetAsync(queue, autoAck: true);
        Assert.That(
            (first is null ? null : Text(first.Body), first?.Redelivered, second is null ? null : Text(second.Body), second?.Redelivered),
            Is.EqualTo(("x", (bool?)true, "z", (bool?)true)));
    }

    [Test]
    public async Task Five_megabyte_body_crosses_many_frames_unchanged()
    {
        var body = new byte[5 * 1024 * 1024];
        new Random(20240501).NextBytes(body);

        var publisher = await OpenChannelAsync(Confirms);
        var queue = await DeclareQueueAsync(publisher);
        await publisher.BasicPublishAsync(string.Empty, queue, body);

        // The consumer negotiates the smallest frame_max, so the broker cuts the body into some 1,300 frames.
        var smallFrames = await ConnectAsync(factory => factory.RequestedFrameMax = 4096);
        Assert.That(smallFrames.FrameMax, Is.EqualTo(4096));
        var channel = await smallFrames.CreateChannelAsync();
        var consumer = new CollectingConsumer(channel);
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        var delivery = await consumer.NextAsync(Timeout);

        Assert.That(delivery.Body.Length, Is.EqualTo(body.Length));
        Assert.That(delivery.Body.AsSpan().SequenceEqual(body), Is.True, "body differs");

        // And back the other way: published in 4 KiB frames, fetched in 128 KiB ones.
        await channel.BasicCancelAsync(delivery.ConsumerTag);
        var smallChannel = await smallFrames.CreateChannelAsync(Confirms);
        await smallChannel.BasicPublishAsync(string.Empty, queue, body);
        var got = await publisher.BasicGetAsync(queue, autoAck: true);
        Assert.That(got, Is.Not.Null);
        Assert.That(got!.Body.Span.SequenceEqual(body), Is.True, "body published in small frames differs");
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(4087)]
    [TestCase(4088)]
    [TestCase(4089)]
    [TestCase(8176)]
    [TestCase(8177)]
    public async Task Body_sizes_around_the_frame_boundary(int size)
    {
        var body = Enumerable.Range(0, size).Select(i => (byte)(i % 251)).ToArray();
        var connection = await ConnectAsync(factory => factory.RequestedFrameMax = 4096);
        var channel = await connection.CreateChannelAsync(Confirms);
        var queue = await DeclareQueueAsync(channel);

        await channel.BasicPublishAsync(string.Empty, queue, body);
        var got = await channel.BasicGetAsync(queue, autoAck: true);

        Assert.That(got, Is.Not.Null);
        Assert.That(got!.Body.ToArray(), Is.EqualTo(body));
    }

    [Test]
    public async Task All_fourteen_properties_and_a_headers_table_of_many_types_round_trip()
    {
        var timestamp = new AmqpTimestamp(1_700_000_000);
        var sent = new BasicProperties
        {
            ContentType = "application/json",
            ContentEncoding = "gzip",
            Headers = SentHeaders(),
            DeliveryMode = DeliveryModes.Persistent,
            Priority = 7,
            CorrelationId = "corr-1",
            ReplyTo = "reply.queue",
            Expiration = "600000",
            MessageId = "msg-1",
            Timestamp = timestamp,
            Type = "order.created",
            UserId = AmqpUri.UserInfo.Split(':')[0] is { Length: > 0 } user ? Uri.UnescapeDataString(user) : "guest",
            AppId = "interop-tests",
            ClusterId = "cluster-a",
        };

        // No publisher-confirm tracking here: RabbitMQ.Client would add its own x-dotnet-pub-seq-no header.
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, sent, Encoding.UTF8.GetBytes("{}"));
        await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, sent, Encoding.UTF8.GetBytes("{}"));

        var got = await channel.BasicGetAsync(queue, autoAck: true);
        Assert.That(got, Is.Not.Null);
        AssertProperties(got!.BasicProperties, sent, "basic.get-ok");

        var consumer = new CollectingConsumer(channel);
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        var delivery = await consumer.NextAsync(Timeout);
        AssertProperties(delivery.Properties, sent, "basic.deliver");
    }

    [Test]
    public async Task Message_without_properties_arrives_without_properties()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await channel.BasicPublishAsync(string.Empty, queue, Encoding.UTF8.GetBytes("bare"));

        var got = await channel.BasicGetAsync(queue, autoAck: true);
        Assert.That(got, Is.Not.Null);
        var p = got!.BasicProperties;
        bool[] present =
        [
            p.IsContentTypePresent(), p.IsContentEncodingPresent(), p.IsHeadersPresent(), p.IsDeliveryModePresent(),
            p.IsPriorityPresent(), p.IsCorrelationIdPresent(), p.IsReplyToPresent(), p.IsExpirationPresent(),
            p.IsMessageIdPresent(), p.IsTimestampPresent(), p.IsTypePresent(), p.IsUserIdPresent(), p.IsAppIdPresent(),
            p.IsClusterIdPresent(),
        ];
        Assert.That(present, Has.All.False);
    }

    private static Dictionary<string, object?> SentHeaders() => new()
    {
        ["string"] = "héllo",
        ["int"] = -42,
        ["long"] = 1L << 40,
        ["bool-true"] = true,
        ["bool-false"] = false,
        ["double"] = 3.25,
        ["decimal"] = 12.345m,
        ["timestamp"] = new AmqpTimestamp(1_600_000_000),
        ["table"] = new Dictionary<string, object?> { ["inner"] = "value", ["n"] = 1 },
        ["array"] = new List<object?> { "a", 2, true },
        ["bytes"] = new byte[] { 0x00, 0xFF, 0x10 },
        ["float"] = 1.5f,
        ["short"] = (short)-2,
        ["sbyte"] = (sbyte)-3,
        ["void"] = null,
    };

    /// <summary>Headers as RabbitMQ.Client reads them back: long strings ('S') arrive as byte arrays.</summary>
    private static Dictionary<string, object?> ExpectedHeaders() => new()
    {
        ["string"] = Encoding.UTF8.GetBytes("héllo"),
        ["int"] = -42,
        ["long"] = 1L << 40,
        ["bool-true"] = true,
        ["bool-false"] = false,
        ["double"] = 3.25,
        ["decimal"] = 12.345m,
        ["timestamp"] = new AmqpTimestamp(1_600_000_000),
        ["table"] = new Dictionary<string, object?> { ["inner"] = Encoding.UTF8.GetBytes("value"), ["n"] = 1 },
        ["array"] = new List<object?> { Encoding.UTF8.GetBytes("a"), 2, true },
        ["bytes"] = new byte[] { 0x00, 0xFF, 0x10 },
        ["float"] = 1.5f,
        ["short"] = (short)-2,
        ["sbyte"] = (sbyte)-3,
        ["void"] = null,
    };

    private static void AssertProperties(IReadOnlyBasicProperties got, BasicProperties sent, string how)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(got.ContentType, Is.EqualTo(sent.ContentType), $"{how}: content-type");
            Assert.That(got.ContentEncoding, Is.EqualTo(sent.ContentEncoding), $"{how}: content-encoding");
            Assert.That(got.DeliveryMode, Is.EqualTo(sent.DeliveryMode), $"{how}: delivery-mode");
            Assert.That(got.Priority, Is.EqualTo(sent.Priority), $"{how}: priority");
            Assert.That(got.CorrelationId, Is.EqualTo(sent.CorrelationId), $"{how}: correlation-id");
            Assert.That(got.ReplyTo, Is.EqualTo(sent.ReplyTo), $"{how}: reply-to");
            Assert.That(got.Expiration, Is.EqualTo(sent.Expiration), $"{how}: expiration");
            Assert.That(got.MessageId, Is.EqualTo(sent.MessageId), $"{how}: message-id");
            Assert.That(got.Timestamp, Is.EqualTo(sent.Timestamp), $"{how}: timestamp");
            Assert.That(got.Type, Is.EqualTo(sent.Type), $"{how}: type");
            Assert.That(got.UserId, Is.EqualTo(sent.UserId), $"{how}: user-id");
            Assert.That(got.AppId, Is.EqualTo(sent.AppId), $"{how}: app-id");
            Assert.That(got.ClusterId, Is.EqualTo(sent.ClusterId), $"{how}: cluster-id");
            Assert.That(got.Headers, Is.Not.Null, $"{how}: headers");
        }

        var expected = ExpectedHeaders();
        var headers = got.Headers!;
        Assert.That(headers.Keys, Is.EquivalentTo(expected.Keys), $"{how}: header names");
        using (Assert.EnterMultipleScope())
        {
            foreach (var (name, value) in expected)
            {
                var actual = headers[name];
                Assert.That(actual?.GetType(), Is.EqualTo(value?.GetType()), $"{how}: CLR type of header '{name}'");
                Assert.That(actual, Is.EqualTo(value), $"{how}: header '{name}'");
            }
        }
    }
}
