using System.Text;
using AmqpBroker.InteropTests.Support;

namespace AmqpBroker.InteropTests;

/// <summary>The basic class: publish, get, return, consume, cancel, exclusive consumers, requeue on close.</summary>
[TestFixture]
public sealed class BasicTests : BrokerTestBase
{
    [Test]
    public async Task Published_message_is_fetched_by_basic_get_with_its_routing_information()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await PublishAsync(channel, queue, "first", "second");

        var first = await GetEventuallyAsync(channel, queue, autoAck: true);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Text(first.Body), Is.EqualTo("first"));
            Assert.That(first.Exchange, Is.Empty);
            Assert.That(first.RoutingKey, Is.EqualTo(queue));
            Assert.That(first.Redelivered, Is.False);
            Assert.That(first.DeliveryTag, Is.EqualTo(1ul));
            Assert.That(first.MessageCount, Is.EqualTo(1u), "get-ok message-count: messages left in the queue");
        }

        var second = await channel.BasicGetAsync(queue, autoAck: true);
        Assert.That(second, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Text(second!.Body), Is.EqualTo("second"));
            Assert.That(second.DeliveryTag, Is.EqualTo(2ul));
            Assert.That(second.MessageCount, Is.Zero);
        }
    }

    [Test]
    public async Task Basic_get_on_an_empty_queue_answers_get_empty()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);

        var result = await channel.BasicGetAsync(queue, autoAck: true);

        Assert.That(result, Is.Null);
        Assert.That(channel.IsOpen, Is.True);
    }

    [Test]
    public async Task Basic_get_on_a_missing_queue_closes_the_channel_with_NOT_FOUND()
    {
        var channel = await OpenChannelAsync();
        var queue = UniqueName("missing");

        var reason = await ExpectOperationInterruptedAsync(() => channel.BasicGetAsync(queue, autoAck: true));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(404));
            Assert.That(reason.ReplyText, Is.EqualTo($"NOT_FOUND - no queue '{queue}' in vhost '/'"));
        }
    }

    [Test]
    public async Task An_empty_body_round_trips()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await channel.BasicPublishAsync(string.Empty, queue, ReadOnlyMemory<byte>.Empty);

        var got = await GetEventuallyAsync(channel, queue, autoAck: true);

        Assert.That(got.Body.Length, Is.Zero);
    }

    [Test]
    public async Task A_one_megabyte_body_spanning_many_frames_and_all_fourteen_properties_round_trip()
    {
        var connection = await ConnectAsync();
        Assert.That(connection.FrameMax, Is.LessThan(1024u * 1024u), "the body must need several frames");
        var channel = await connection.CreateChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        var body = new byte[1024 * 1024 + 17];
        new Random(42).NextBytes(body);
        var properties = AllProperties();

        await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, properties, body);

        var consumer = new CollectingConsumer(channel);
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        var delivery = await consumer.NextAsync(Timeout);
        Assert.That(delivery.Body, Is.EqualTo(body), "body is byte-identical");
        AssertAllProperties(delivery.Properties);
    }

    [Test]
    public async Task Properties_also_round_trip_through_basic_get()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, AllProperties(), "small"u8.ToArray());

        var got = await GetEventuallyAsync(channel, queue, autoAck: true);

        AssertAllProperties(got.BasicProperties);
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
        var exchange = TrackExchange(UniqueName("x"));
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Direct, durable: false, autoDelete: false);
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
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);
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

        using (Assert.EnterMultipleScope())
        {
            Assert.That(close.ReplyCode, Is.EqualTo(540));
            Assert.That(close.ReplyText, Is.EqualTo("NOT_IMPLEMENTED - immediate=true"));
            Assert.That(close.ClassId, Is.EqualTo((ushort)60));
            Assert.That(close.MethodId, Is.EqualTo((ushort)40));
        }

        Assert.That(await setup.MessageCountAsync(queue), Is.Zero, "the immediate publish is not enqueued");
    }

    [Test]
    public async Task Publish_with_a_user_id_other_than_the_authenticated_user_is_PRECONDITION_FAILED()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        var watch = WatchClose(channel);

        await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, new BasicProperties { UserId = "bob" }, "spoofed"u8.ToArray());

        var reason = await watch.WaitAsync(Timeout);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(406));
            Assert.That(reason.ReplyText, Is.EqualTo("PRECONDITION_FAILED - user_id property set to 'bob' but authenticated user was 'guest'"));
            Assert.That(reason.ClassId, Is.EqualTo((ushort)60));
            Assert.That(reason.MethodId, Is.EqualTo((ushort)40));
        }

        var other = await OpenChannelAsync();
        Assert.That(await other.MessageCountAsync(queue), Is.Zero);
    }

    [TestCase("abc", "no_integer")]
    [TestCase("", "no_integer")]
    [TestCase("-1", "{value_negative,-1}")]
    [TestCase("1.5", "{leftover_string,\".5\"}")]
    public async Task Publish_with_an_invalid_expiration_is_PRECONDITION_FAILED(string expiration, string why)
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        var watch = WatchClose(channel);

        await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, new BasicProperties { Expiration = expiration }, "x"u8.ToArray());

        var reason = await watch.WaitAsync(Timeout);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(406));
            Assert.That(reason.ReplyText, Is.EqualTo($"PRECONDITION_FAILED - invalid expiration '{expiration}': {why}"));
            Assert.That(reason.MethodId, Is.EqualTo((ushort)40));
        }

        var other = await OpenChannelAsync();
        Assert.That(await other.MessageCountAsync(queue), Is.Zero);
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Publish_to_a_missing_exchange_closes_the_channel_with_NOT_FOUND(bool amqDefault)
    {
        var channel = await OpenChannelAsync();
        var exchange = amqDefault ? "amq.default" : UniqueName("missing");
        var watch = WatchClose(channel);

        await channel.BasicPublishAsync(exchange, "rk", "x"u8.ToArray());

        var reason = await watch.WaitAsync(Timeout);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(404));
            Assert.That(reason.ReplyText, Is.EqualTo($"NOT_FOUND - no exchange '{exchange}' in vhost '/'"));
            Assert.That(reason.MethodId, Is.EqualTo((ushort)40));
        }
    }

    [Test]
    public async Task An_empty_queue_name_means_the_channels_last_declared_queue()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await PublishAsync(channel, queue, "via last declared");

        var got = await GetEventuallyAsync(channel, string.Empty, autoAck: true);

        Assert.That((Text(got.Body), got.RoutingKey), Is.EqualTo(("via last declared", queue)));
        var consumer = new CollectingConsumer(channel);
        await channel.BasicConsumeAsync(string.Empty, autoAck: true, consumer);
        await PublishAsync(channel, queue, "consumed");
        Assert.That((await consumer.NextAsync(Timeout)).Text, Is.EqualTo("consumed"));
    }

    [Test]
    public async Task An_empty_queue_name_without_a_declared_queue_is_NOT_FOUND()
    {
        var getChannel = await OpenChannelAsync();
        var consumeChannel = await OpenChannelAsync();

        var get = await ExpectOperationInterruptedAsync(() => getChannel.BasicGetAsync(string.Empty, autoAck: true));
        var consume = await ExpectOperationInterruptedAsync(() => consumeChannel.BasicConsumeAsync(string.Empty, autoAck: true, new CollectingConsumer(consumeChannel)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That((get.ReplyCode, get.ReplyText), Is.EqualTo((404, "NOT_FOUND - no previously declared queue")));
            Assert.That((consume.ReplyCode, consume.ReplyText), Is.EqualTo((404, "NOT_FOUND - no previously declared queue")));
        }
    }

    /// <remarks>
    /// With a long queue name RabbitMQ's text passes 255 characters: RabbitMQ cuts it to 252 and appends "...".
    /// </remarks>
    [TestCase(false)]
    [TestCase(true)]
    public async Task Consume_or_get_on_another_connections_exclusive_queue_is_RESOURCE_LOCKED(bool longName)
    {
        var owner = await OpenChannelAsync();
        var queue = Track(longName ? UniqueName("exclusive") : "excl-" + Guid.NewGuid().ToString("N")[..8]);
        await owner.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: false);
        var consumeChannel = await OpenChannelAsync();
        var getChannel = await OpenChannelAsync();

        var consume = await ExpectOperationInterruptedAsync(() => consumeChannel.BasicConsumeAsync(queue, autoAck: true, new CollectingConsumer(consumeChannel)));
        var get = await ExpectOperationInterruptedAsync(() => getChannel.BasicGetAsync(queue, autoAck: true));

        var text = $"RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '{queue}' in vhost '/'. It could be originally "
            + "declared on another connection or the exclusive property value does not match that of the original declaration.";
        if (text.Length > 255)
        {
            text = text[..252] + "...";
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That((consume.ReplyCode, consume.ReplyText), Is.EqualTo((405, text)));
            Assert.That((get.ReplyCode, get.ReplyText), Is.EqualTo((405, text)));
        }
    }

    [Test]
    public async Task Consume_with_a_non_integer_x_priority_is_PRECONDITION_FAILED()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);

        var reason = await ExpectOperationInterruptedAsync(() => channel.BasicConsumeAsync(
            queue, autoAck: true, consumerTag: string.Empty, noLocal: false, exclusive: false, new Dictionary<string, object?> { ["x-priority"] = "high" }, new CollectingConsumer(channel)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(406));
            Assert.That(reason.ReplyText, Is.EqualTo($"PRECONDITION_FAILED - invalid arg 'x-priority' for queue '{queue}' in vhost '/': \"expected integer, got longstr\""));
        }
    }

    [Test]
    public async Task Cancel_of_an_unknown_consumer_tag_is_answered_with_cancel_ok()
    {
        var channel = await OpenChannelAsync();

        await channel.BasicCancelAsync("no-such-consumer").WaitAsync(Timeout);

        Assert.That(channel.IsOpen, Is.True);
    }

    [Test]
    public async Task Consume_without_a_tag_gets_a_server_generated_amq_ctag()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        var consumer = new CollectingConsumer(channel);

        var tag = await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        await PublishAsync(channel, queue, "hello");
        var delivery = await consumer.NextAsync(Timeout);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(tag, Does.StartWith("amq.ctag-"));
            Assert.That(tag, Has.Length.GreaterThan("amq.ctag-".Length));
            Assert.That(delivery.ConsumerTag, Is.EqualTo(tag));
            Assert.That(delivery.Text, Is.EqualTo("hello"));
            Assert.That(delivery.Redelivered, Is.False);
            Assert.That(delivery.Exchange, Is.Empty);
            Assert.That(delivery.RoutingKey, Is.EqualTo(queue));
        }

        var second = new CollectingConsumer(channel);
        var otherTag = await channel.BasicConsumeAsync(queue, autoAck: true, second);
        Assert.That(otherTag, Is.Not.EqualTo(tag), "generated tags are unique");
    }

    [Test]
    public async Task Consume_with_a_client_tag_uses_it()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        var consumer = new CollectingConsumer(channel);

        var tag = await channel.BasicConsumeAsync(queue, autoAck: true, "my-tag", consumer);
        await PublishAsync(channel, queue, "hello");

        Assert.That(tag, Is.EqualTo("my-tag"));
        Assert.That((await consumer.NextAsync(Timeout)).ConsumerTag, Is.EqualTo("my-tag"));
    }

    [Test]
    public async Task Messages_are_distributed_round_robin_across_consumers()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        var first = new CollectingConsumer(channel);
        var second = new CollectingConsumer(channel);
        await channel.BasicConsumeAsync(queue, autoAck: true, "c1", first);
        await channel.BasicConsumeAsync(queue, autoAck: true, "c2", second);

        var publisher = await connection.CreateChannelAsync();
        await PublishAsync(publisher, queue, Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());

        var a = (await first.TakeAsync(5, Timeout)).Select(d => d.Text).ToList();
        var b = (await second.TakeAsync(5, Timeout)).Select(d => d.Text).ToList();
        await Task.Delay(QuietPeriod);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Received + second.Received, Is.EqualTo(10));
            Assert.That(a.Concat(b).Order(), Is.EquivalentTo(Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            Assert.That(new[] { a, b }, Has.One.EqualTo(Texts("0", "2", "4", "6", "8")), "strict alternation");
            Assert.That(new[] { a, b }, Has.One.EqualTo(Texts("1", "3", "5", "7", "9")), "strict alternation");
        }
    }

    [Test]
    public async Task Basic_cancel_stops_deliveries_and_leaves_messages_in_the_queue()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        var consumer = new CollectingConsumer(channel);
        var tag = await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        await PublishAsync(channel, queue, "before");
        Assert.That((await consumer.NextAsync(Timeout)).Text, Is.EqualTo("before"));

        await channel.BasicCancelAsync(tag);
        Assert.That(await consumer.CancelOk.WaitAsync(Timeout), Is.EqualTo(tag));
        await PublishAsync(channel, queue, "after");

        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(queue) == 1), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await consumer.AnyWithinAsync(QuietPeriod), Is.False, "no delivery after basic.cancel");
            Assert.That(await channel.ConsumerCountAsync(queue), Is.Zero);
            Assert.That(consumer.ServerCancelled.IsCompleted, Is.False);
        }
    }

    [Test]
    public async Task Deleting_a_consumed_queue_sends_basic_cancel_to_the_consumer()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        var consumer = new CollectingConsumer(channel);
        var tag = await channel.BasicConsumeAsync(queue, autoAck: false, consumer);

        var other = await OpenChannelAsync();
        await other.QueueDeleteAsync(queue);

        Assert.That(await consumer.ServerCancelled.WaitAsync(Timeout), Is.EqualTo(tag));
        Assert.That(channel.IsOpen, Is.True, "a consumer cancel notification does not close the channel");
        await DeclareQueueAsync(channel);
    }

    [Test]
    public async Task A_second_consumer_on_a_queue_with_an_exclusive_consumer_is_refused()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await channel.BasicConsumeAsync(queue, autoAck: true, consumerTag: "exclusive", noLocal: false, exclusive: true, arguments: null, new CollectingConsumer(channel));

        var other = await OpenChannelAsync();
        var reason = await ExpectOperationInterruptedAsync(() => other.BasicConsumeAsync(queue, autoAck: true, new CollectingConsumer(other)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(403));
            Assert.That(reason.ReplyText, Is.EqualTo($"ACCESS_REFUSED - queue '{queue}' in vhost '/' in exclusive use"));
            Assert.That(channel.IsOpen, Is.True);
            Assert.That(await channel.ConsumerCountAsync(queue), Is.EqualTo(1u));
        }
    }

    [Test]
    public async Task An_exclusive_consume_on_a_queue_that_has_consumers_is_refused()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await channel.BasicConsumeAsync(queue, autoAck: true, new CollectingConsumer(channel));

        var other = await OpenChannelAsync();
        var reason = await ExpectOperationInterruptedAsync(() =>
            other.BasicConsumeAsync(queue, autoAck: true, consumerTag: string.Empty, noLocal: false, exclusive: true, arguments: null, new CollectingConsumer(other)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(403));
            Assert.That(reason.ReplyText, Is.EqualTo($"ACCESS_REFUSED - queue '{queue}' in vhost '/' in exclusive use"));
        }
    }

    [Test]
    public async Task An_exclusive_consumer_gets_every_message_and_frees_the_queue_when_cancelled()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        var exclusive = new CollectingConsumer(channel);
        await channel.BasicConsumeAsync(queue, autoAck: true, consumerTag: "ex", noLocal: false, exclusive: true, arguments: null, exclusive);
        await PublishAsync(channel, queue, "1", "2");
        Assert.That((await exclusive.TakeAsync(2, Timeout)).Select(d => d.Text), Is.EqualTo(Texts("1", "2")));

        await channel.BasicCancelAsync("ex");
        var other = await OpenChannelAsync();
        var next = new CollectingConsumer(other);
        await other.BasicConsumeAsync(queue, autoAck: true, next);
        await PublishAsync(channel, queue, "3");

        Assert.That((await next.NextAsync(Timeout)).Text, Is.EqualTo("3"));
    }

    [Test]
    public async Task Reusing_a_consumer_tag_on_a_channel_closes_the_connection_with_NOT_ALLOWED()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await channel.BasicConsumeAsync(queue, autoAck: true, "dup", new CollectingConsumer(channel));

        var reason = await ExpectOperationInterruptedAsync(() => channel.BasicConsumeAsync(queue, autoAck: true, "dup", new CollectingConsumer(channel)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(530));
            Assert.That(reason.ReplyText, Is.EqualTo("NOT_ALLOWED - attempt to reuse consumer tag 'dup'"));
        }

        Assert.That(await EventuallyAsync(() => Task.FromResult(!connection.IsOpen)), Is.True, "530 is a connection error");
        Assert.That(connection.CloseReason?.ReplyCode, Is.EqualTo(530));
    }

    [Test]
    public async Task The_same_consumer_tag_may_be_used_on_different_channels()
    {
        var connection = await ConnectAsync();
        var one = await connection.CreateChannelAsync();
        var two = await connection.CreateChannelAsync();
        var queue = await DeclareQueueAsync(one);

        await one.BasicConsumeAsync(queue, autoAck: true, "same", new CollectingConsumer(one));
        await two.BasicConsumeAsync(queue, autoAck: true, "same", new CollectingConsumer(two));

        Assert.That(await one.ConsumerCountAsync(queue), Is.EqualTo(2u));
    }

    [Test]
    public async Task Unacked_deliveries_are_requeued_as_redelivered_when_the_channel_closes()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await PublishAsync(channel, queue, "a", "b", "c");
        var consumer = new CollectingConsumer(channel);
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer);
        var deliveries = await consumer.TakeAsync(3, Timeout);
        Assert.That(deliveries.Select(d => d.Redelivered), Is.All.False);

        await channel.CloseAsync();

        var other = await connection.CreateChannelAsync();
        Assert.That(await EventuallyAsync(async () => await other.MessageCountAsync(queue) == 3), Is.True);
        var again = await GetAllAsync(other, queue, 3);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(again.Select(r => Text(r.Body)), Is.EqualTo(Texts("a", "b", "c")), "original order");
            Assert.That(again.Select(r => r.Redelivered), Is.All.True);
        }
    }

    [Test]
    public async Task Unacked_deliveries_are_requeued_as_redelivered_when_the_connection_closes()
    {
        var observer = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(observer);
        await PublishAsync(observer, queue, "a", "b");

        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var first = await channel.BasicGetAsync(queue, autoAck: false);
        var second = await channel.BasicGetAsync(queue, autoAck: false);
        Assert.That(new[] { first, second }, Is.All.Not.Null);
        Assert.That(await observer.MessageCountAsync(queue), Is.Zero);

        await connection.CloseAsync();

        Assert.That(await EventuallyAsync(async () => await observer.MessageCountAsync(queue) == 2), Is.True);
        var again = await GetAllAsync(observer, queue, 2);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(again.Select(r => Text(r.Body)), Is.EqualTo(Texts("a", "b")));
            Assert.That(again.Select(r => r.Redelivered), Is.All.True);
        }
    }

    [Test]
    public async Task Auto_acked_deliveries_are_not_requeued_when_the_channel_closes()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await PublishAsync(channel, queue, "gone");
        var consumer = new CollectingConsumer(channel);
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        await consumer.NextAsync(Timeout);

        await channel.CloseAsync();

        var other = await connection.CreateChannelAsync();
        await Task.Delay(QuietPeriod);
        Assert.That(await other.MessageCountAsync(queue), Is.Zero);
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
            Assert.That(headers.Keys, Is.EquivalentTo(Texts("string", "int", "long", "bool", "double", "decimal", "timestamp", "bytes", "nested", "array", "void", "sbyte", "byte", "short", "ushort", "uint", "float")));
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
        }
    }

    private static string[] Texts(params string[] texts) => texts;

    private sealed record Returned(ushort ReplyCode, string ReplyText, string Exchange, string RoutingKey, BasicProperties Properties, byte[] Body);

    private static TaskCompletionSource<Returned> CaptureReturn(IChannel channel)
    {
        var returned = new TaskCompletionSource<Returned>(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.BasicReturnAsync += (_, args) =>
        {
            returned.TrySetResult(new Returned(args.ReplyCode, args.ReplyText, args.Exchange, args.RoutingKey, new BasicProperties(args.BasicProperties), args.Body.ToArray()));
            return Task.CompletedTask;
        };
        return returned;
    }

    private static async Task<BasicGetResult> GetEventuallyAsync(IChannel channel, string queue, bool autoAck)
    {
        BasicGetResult? result = null;
        var arrived = await EventuallyAsync(async () => (result = await channel.BasicGetAsync(queue, autoAck)) is not null);
        Assert.That(arrived, Is.True, $"nothing arrived in {queue}");
        return result!;
    }

    private static async Task<List<BasicGetResult>> GetAllAsync(IChannel channel, string queue, int count)
    {
        var results = new List<BasicGetResult>();
        for (var i = 0; i < count; i++)
        {
            results.Add(await GetEventuallyAsync(channel, queue, autoAck: true));
        }

        return results;
    }
}
