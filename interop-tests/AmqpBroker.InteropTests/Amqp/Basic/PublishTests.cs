namespace AmqpBroker.InteropTests.Amqp.Basic;

/// <summary>
/// basic.publish: bodies across frames, the content properties, mandatory and basic.return, and the
/// publishes RabbitMQ refuses (immediate, a spoofed user-id, a bad expiration, a missing exchange).
/// </summary>
public sealed class PublishTests : BrokerTestBase
{
    [Test]
    public async Task An_empty_body_round_trips()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        await channel.BasicPublishAsync(string.Empty, queue, ReadOnlyMemory<byte>.Empty);

        var got = await GetEventuallyAsync(channel, queue, autoAck: true);

        Assert.That(got.Body.Length, Is.Zero);
    }

    [TestCase(0)]
    [TestCase(4096)]
    public async Task A_one_megabyte_body_spanning_many_frames_and_all_fourteen_properties_round_trip(int frameMax)
    {
        // 0 takes the server's frame_max (some 8 frames); 4096, the smallest, cuts the body into some 260 frames each way.
        var connection = await ConnectAsync(factory => factory.RequestedFrameMax = (uint)frameMax);
        Assert.That(connection.FrameMax, Is.LessThan(1024u * 1024u), "the body must need several frames");
        var channel = await connection.CreateChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        var body = new byte[1024 * 1024 + 17];
        new Random(42).NextBytes(body);
        var properties = AllProperties();

        await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, properties, body);

        var consumer = await ConsumeAsync(channel, queue, autoAck: true);
        var delivery = await consumer.NextAsync(Timeout);
        Assert.That(delivery.Body, Is.EqualTo(body), "body is byte-identical");
        AssertAllProperties(delivery.Properties);
    }

    [Test]
    public async Task Properties_also_round_trip_through_basic_get()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, AllProperties(), "small"u8.ToArray());

        var got = await GetEventuallyAsync(channel, queue, autoAck: true);

        AssertAllProperties(got.BasicProperties);
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
        var channel = await connection.CreateChannelAsync(ConfirmOptions);
        var queue = await DeclareQueueAsync(channel);

        await channel.BasicPublishAsync(string.Empty, queue, body);
        var got = await channel.BasicGetAsync(queue, autoAck: true);

        Assert.That(got, Is.Not.Null);
        Assert.That(got!.Body.ToArray(), Is.EqualTo(body));
    }

    [Test]
    public async Task Message_without_properties_arrives_without_properties()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
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

    [Test]
    public async Task Mandatory_unroutable_publish_to_the_default_exchange_is_returned_with_NO_ROUTE()
    {
        var channel = await OpenChannelAsync();
        var returned = CaptureReturn(channel);
        var routingKey = UniqueName("nowhere");
        var properties = new BasicProperties { MessageId = "m-1", ContentType = "text/plain", Headers = new Dictionary<string, object?> { ["k"] = 7 } };

        await channel.BasicPublishAsync(string.Empty, routingKey, mandatory: true, properties, "lost"u8.ToArray());

        var ret = await returned.Task.WaitAsync(Timeout);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ret.ReplyCode, Is.EqualTo(312));
            Assert.That(ret.ReplyText, Is.EqualTo("NO_ROUTE"));
            Assert.That(ret.Exchange, Is.Empty);
            Assert.That(ret.RoutingKey, Is.EqualTo(routingKey));
            Assert.That(Encoding.UTF8.GetString(ret.Body), Is.EqualTo("lost"));
            Assert.That(ret.Properties.MessageId, Is.EqualTo("m-1"));
            Assert.That(ret.Properties.ContentType, Is.EqualTo("text/plain"));
            Assert.That(ret.Properties.Headers?["k"], Is.EqualTo(7));
            Assert.That(channel.IsOpen, Is.True);
        }
    }

    [Test]
    public async Task Mandatory_publish_to_an_exchange_without_bindings_is_returned_with_the_exchange_name()
    {
        var channel = await OpenChannelAsync();
        var exchange = await DeclareExchangeAsync(channel, ExchangeType.Direct, durable: false, autoDelete: false);
        var returned = CaptureReturn(channel);

        await channel.BasicPublishAsync(exchange, "rk", mandatory: true, "lost"u8.ToArray());

        var ret = await returned.Task.WaitAsync(Timeout);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(ret.ReplyCode, Is.EqualTo(312));
            Assert.That(ret.ReplyText, Is.EqualTo("NO_ROUTE"));
            Assert.That(ret.Exchange, Is.EqualTo(exchange));
            Assert.That(ret.RoutingKey, Is.EqualTo("rk"));
        }
    }

    [Test]
    public async Task Unroutable_publish_without_mandatory_is_dropped_silently()
    {
        var channel = await OpenChannelAsync();
        var returned = CaptureReturn(channel);

        await channel.BasicPublishAsync(string.Empty, UniqueName("nowhere"), mandatory: false, "dropped"u8.ToArray());

        // A queue declared afterwards proves the channel processed the publish and stayed open.
        await DeclareQueueAsync(channel);
        await Task.Delay(QuietPeriod);
        Assert.That(returned.Task.IsCompleted, Is.False, "no basic.return without mandatory");
        Assert.That(channel.IsOpen, Is.True);
    }

    [Test]
    public async Task Routable_mandatory_publish_is_not_returned()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        var returned = CaptureReturn(channel);

        await channel.BasicPublishAsync(string.Empty, queue, mandatory: true, "kept"u8.ToArray());

        var got = await GetEventuallyAsync(channel, queue, autoAck: true);
        Assert.That(Text(got.Body), Is.EqualTo("kept"));
        await Task.Delay(QuietPeriod);
        Assert.That(returned.Task.IsCompleted, Is.False);
    }

    [Test]
    public async Task Publish_with_immediate_closes_the_connection_with_NOT_IMPLEMENTED()
    {
        var setup = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(setup);
        await using var raw = await RawClient.ConnectAsync(AmqpUri);
        await raw.OpenChannelAsync(1);

        await raw.PublishAsync(1, string.Empty, queue, "now"u8.ToArray(), immediate: true);
        var close = await raw.ExpectConnectionCloseAsync();
        AssertClose(close, 540, "NOT_IMPLEMENTED - immediate=true");
        AssertFailedMethod(close, 60, 40);

        Assert.That(await setup.MessageCountAsync(queue), Is.Zero, "the immediate publish is not enqueued");
    }

    [Test]
    public async Task Publish_with_a_user_id_other_than_the_authenticated_user_is_PRECONDITION_FAILED()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        var watch = WatchClose(channel);

        await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, new BasicProperties { UserId = "bob" }, "spoofed"u8.ToArray());

        var reason = await ExpectClosedAsync(watch, 406, "PRECONDITION_FAILED - user_id property set to 'bob' but authenticated user was 'guest'");
        AssertFailedMethod(reason, 60, 40);

        var other = await OpenChannelAsync();
        Assert.That(await other.MessageCountAsync(queue), Is.Zero);
    }

    [TestCase("abc", "no_integer")]
    [TestCase("", "no_integer")]
    [TestCase("-1", "{value_negative,-1}")]
    [TestCase("1.5", "{leftover_string,\".5\"}")]
    public async Task Publish_with_an_invalid_expiration_is_PRECONDITION_FAILED(string expiration, string why)
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        var watch = WatchClose(channel);

        await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, new BasicProperties { Expiration = expiration }, "x"u8.ToArray());

        var reason = await ExpectClosedAsync(watch, 406, $"PRECONDITION_FAILED - invalid expiration '{expiration}': {why}");
        Assert.That(reason.MethodId, Is.EqualTo((ushort)40));

        var other = await OpenChannelAsync();
        Assert.That(await other.MessageCountAsync(queue), Is.Zero);
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Publish_to_a_missing_exchange_closes_the_channel_with_NOT_FOUND(bool amqDefault)
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var exchange = amqDefault ? "amq.default" : UniqueName("missing");
        var watch = WatchClose(channel);

        await channel.BasicPublishAsync(exchange, "rk", "x"u8.ToArray());

        var reason = await ExpectClosedAsync(watch, 404, $"NOT_FOUND - no exchange '{exchange}' in vhost '/'");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.MethodId, Is.EqualTo((ushort)40));
            Assert.That(connection.IsOpen, Is.True, "a channel error");
        }
    }

    private static BasicProperties AllProperties() => new()
    {
        ContentType = "application/octet-stream",
        ContentEncoding = "identity",
        Headers = new Dictionary<string, object?>
        {
            ["string"] = "value",
            ["int"] = 42,
            ["long"] = 1L << 40,
            ["bool"] = true,
            ["double"] = 1.5d,
            ["decimal"] = 12.34m,
            ["timestamp"] = new AmqpTimestamp(1_700_000_000),
            ["bytes"] = new BinaryTableValue([1, 2, 3]),
            ["nested"] = new Dictionary<string, object?> { ["inner"] = "x" },
            ["array"] = new List<object?> { "a", 1 },
            ["void"] = null,
            ["sbyte"] = (sbyte)-5,
            ["byte"] = (byte)200,
            ["short"] = (short)-300,
            ["ushort"] = (ushort)60000,
            ["uint"] = 4_000_000_000u,
            ["float"] = 2.5f,
            ["utf8"] = "héllo",
            ["false"] = false,
            ["table"] = new Dictionary<string, object?> { ["inner"] = "value", ["n"] = 1 },
            ["mixed"] = new List<object?> { "a", 2, true },
            ["byte-array"] = new byte[] { 0x00, 0xFF, 0x10 },
        },
        DeliveryMode = DeliveryModes.Persistent,
        Priority = 5,
        CorrelationId = "correlation-1",
        ReplyTo = "reply-queue",
        Expiration = "600000",
        MessageId = "message-1",
        Timestamp = new AmqpTimestamp(1_600_000_000),
        Type = "test.type",
        UserId = "guest",
        AppId = "interop-tests",
        ClusterId = "cluster-1",
    };

    private static void AssertAllProperties(IReadOnlyBasicProperties properties)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(properties.ContentType, Is.EqualTo("application/octet-stream"));
            Assert.That(properties.ContentEncoding, Is.EqualTo("identity"));
            Assert.That(properties.DeliveryMode, Is.EqualTo(DeliveryModes.Persistent));
            Assert.That(properties.Priority, Is.EqualTo((byte)5));
            Assert.That(properties.CorrelationId, Is.EqualTo("correlation-1"));
            Assert.That(properties.ReplyTo, Is.EqualTo("reply-queue"));
            Assert.That(properties.Expiration, Is.EqualTo("600000"));
            Assert.That(properties.MessageId, Is.EqualTo("message-1"));
            Assert.That(properties.Timestamp.UnixTime, Is.EqualTo(1_600_000_000L));
            Assert.That(properties.Type, Is.EqualTo("test.type"));
            Assert.That(properties.UserId, Is.EqualTo("guest"));
            Assert.That(properties.AppId, Is.EqualTo("interop-tests"));
            Assert.That(properties.ClusterId, Is.EqualTo("cluster-1"));
            Assert.That(properties.Headers, Is.Not.Null);
        }

        var headers = properties.Headers!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(headers.Keys, Is.EquivalentTo(Texts("string", "int", "long", "bool", "double", "decimal", "timestamp", "bytes", "nested", "array", "void", "sbyte", "byte", "short", "ushort", "uint", "float", "utf8", "false", "table", "mixed", "byte-array")));
            Assert.That(headers["string"], Is.EqualTo(Encoding.UTF8.GetBytes("value")), "longstr arrives as bytes");
            Assert.That(headers["int"], Is.EqualTo(42));
            Assert.That(headers["long"], Is.EqualTo(1L << 40));
            Assert.That(headers["bool"], Is.EqualTo(true));
            Assert.That(headers["double"], Is.EqualTo(1.5d));
            Assert.That(headers["decimal"], Is.EqualTo(12.34m));
            Assert.That(headers["timestamp"], Is.EqualTo(new AmqpTimestamp(1_700_000_000)));
            Assert.That((headers["bytes"] as BinaryTableValue)?.Bytes, Is.EqualTo(new byte[] { 1, 2, 3 }));
            Assert.That((headers["nested"] as IDictionary<string, object?>)?["inner"], Is.EqualTo(Encoding.UTF8.GetBytes("x")));
            Assert.That(headers["array"] as IList<object?>, Is.EqualTo(new object[] { Encoding.UTF8.GetBytes("a"), 1 }));
            Assert.That(headers["void"], Is.Null);
            Assert.That(headers["sbyte"], Is.EqualTo((sbyte)-5));
            Assert.That(headers["byte"], Is.EqualTo((byte)200));
            Assert.That(headers["short"], Is.EqualTo((short)-300));
            Assert.That(headers["ushort"], Is.EqualTo((ushort)60000));
            Assert.That(headers["uint"], Is.EqualTo(4_000_000_000u));
            Assert.That(headers["float"], Is.EqualTo(2.5f));
            Assert.That(headers["utf8"], Is.EqualTo(Encoding.UTF8.GetBytes("héllo")));
            Assert.That(headers["false"], Is.EqualTo(false));
            Assert.That(headers["table"], Is.EqualTo(new Dictionary<string, object?> { ["inner"] = Encoding.UTF8.GetBytes("value"), ["n"] = 1 }));
            Assert.That(headers["mixed"], Is.EqualTo(new List<object?> { Encoding.UTF8.GetBytes("a"), 2, true }));
            Assert.That(headers["byte-array"], Is.EqualTo(new byte[] { 0x00, 0xFF, 0x10 }));
        }

        // An equal value is not enough (NUnit compares numbers across types): each header must come back as the
        // field type it was sent as. Strings are the exception: RabbitMQ.Client reads a longstr as bytes.
        using (Assert.EnterMultipleScope())
        {
            foreach (var (name, sent) in AllProperties().Headers!)
            {
                Assert.That(headers[name]?.GetType(), Is.EqualTo(sent is string ? typeof(byte[]) : sent?.GetType()), $"CLR type of header '{name}'");
            }
        }
    }

    private static TaskCompletionSource<Returned> CaptureReturn(IChannel channel)
    {
        var returned = new TaskCompletionSource<Returned>(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.BasicReturnAsync += (_, args) =>
        {
            returned.TrySetResult(Returned.From(args));
            return Task.CompletedTask;
        };
        return returned;
    }
}
