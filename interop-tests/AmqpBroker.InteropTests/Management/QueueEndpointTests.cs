namespace AmqpBroker.InteropTests.Management;

/// <summary>/api/queues: list, get, declare (PUT), delete (if-unused, if-empty), purge, and getting messages.</summary>
public sealed class QueueEndpointTests : ManagementTestBase
{
    [Test]
    public async Task Put_declares_a_queue_with_arguments_that_AMQP_clients_see()
    {
        var name = Track(UniqueName());
        var path = $"api/queues/%2F/{Segment(name)}";
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, path,
            new JsonObject { ["durable"] = true, ["auto_delete"] = false, ["arguments"] = new JsonObject { ["x-max-length"] = 2, ["x-overflow"] = "reject-publish" } });

        // RabbitMQ fills in a new queue's state with its first statistics, a moment after the declare.
        var queue = await EventuallyJsonAsync(path, q => q["state"] is not null, "the queue reports its state");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(queue["name"]!.GetValue<string>(), Is.EqualTo(name));
            Assert.That(queue["vhost"]!.GetValue<string>(), Is.EqualTo("/"));
            Assert.That(queue["durable"]!.GetValue<bool>(), Is.True);
            Assert.That(queue["auto_delete"]!.GetValue<bool>(), Is.False);
            Assert.That(queue["exclusive"]!.GetValue<bool>(), Is.False);
            Assert.That(queue["arguments"]!["x-max-length"]!.GetValue<long>(), Is.EqualTo(2));
            Assert.That(queue["state"]!.GetValue<string>(), Is.EqualTo("running"));
            Assert.That(queue["consumer_details"], Is.InstanceOf<JsonArray>());
        }

        // The arguments took effect: a third message is refused by the length limit.
        var channel = await (await ConnectAsync()).CreateChannelAsync(ConfirmOptions);
        await channel.QueueDeclarePassiveAsync(name);
        await channel.BasicPublishAsync("", name, Encoding.UTF8.GetBytes("1"));
        await channel.BasicPublishAsync("", name, Encoding.UTF8.GetBytes("2"));
        Assert.That(async () => await channel.BasicPublishAsync("", name, Encoding.UTF8.GetBytes("3")), Throws.InstanceOf<PublishException>());

        // So is one the API publishes: the nack its channel gets is a 400 (rabbit_mgmt_wm_exchange_publish:bad/3).
        AssertError(await SendAsync(HttpMethod.Post, "api/exchanges/%2F/amq.default/publish",
            new JsonObject { ["routing_key"] = name, ["payload"] = "4", ["payload_encoding"] = "string", ["properties"] = new JsonObject() }),
            HttpStatusCode.BadRequest, "bad_request", "rejected Unable to publish message. Check queue limits.");

        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, path,
            new JsonObject { ["durable"] = true, ["arguments"] = new JsonObject { ["x-max-length"] = 2, ["x-overflow"] = "reject-publish" } });
        AssertError(await SendAsync(HttpMethod.Put, path, new JsonObject { ["durable"] = false }),
            HttpStatusCode.BadRequest, "bad_request", "inequivalent arg 'durable'");
    }

    [Test]
    public async Task Invalid_declarations_are_400_or_404_with_the_reason()
    {
        AssertError(await SendAsync(HttpMethod.Put, $"api/queues/%2F/{UniqueName()}", new JsonObject { ["arguments"] = new JsonObject { ["x-message-ttl"] = -5 } }),
            HttpStatusCode.BadRequest, "bad_request", "invalid arg 'x-message-ttl'");
        AssertError(await SendAsync(HttpMethod.Put, $"api/queues/%2F/{UniqueName()}", new JsonObject { ["durable"] = "yes" }),
            HttpStatusCode.BadRequest, "bad_request", "not_boolean");
        AssertError(await SendAsync(HttpMethod.Put, $"api/queues/nosuch-vhost-{Guid.NewGuid():N}/q", "{}"), HttpStatusCode.NotFound, "not_found", "vhost_not_found");
        AssertError(await SendAsync(HttpMethod.Put, "api/queues/%2F/amq.reserved", "{}"), HttpStatusCode.Unauthorized, "not_authorised");
        AssertError(await SendAsync(HttpMethod.Get, "api/queues/%2F/nosuch-queue"), HttpStatusCode.NotFound, "Object Not Found");
    }

    [Test]
    public async Task Lists_show_counts_of_ready_and_unacknowledged_messages_and_consumers()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await PublishAsync(channel, queue, "a", "b", "c");
        await channel.BasicQosAsync(0, 1, false);
        var consumer = await ConsumeAsync(channel, queue);

        // RabbitMQ's counts come from several statistics events, which may arrive one emission apart.
        var listed = await EventuallyJsonAsync(
            "api/queues/%2F",
            list => Find(list, queue) is { } q && q["messages_unacknowledged"]?.GetValue<long>() == 1 && q["consumers"]?.GetValue<long>() == 1 && q["message_stats"]?["deliver"] is not null,
            "one message is unacked by the one consumer");
        var item = Find(listed, queue)!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(item["messages"]!.GetValue<long>(), Is.EqualTo(3));
            Assert.That(item["messages_ready"]!.GetValue<long>(), Is.EqualTo(2));
            Assert.That(item["consumers"]!.GetValue<long>(), Is.EqualTo(1));
            Assert.That(item["messages_details"]!["rate"], Is.Not.Null);
            Assert.That(item["memory"]!.GetValue<long>(), Is.GreaterThan(0));
            Assert.That(item["message_stats"]!["publish"]!.GetValue<long>(), Is.EqualTo(3));
            Assert.That(item["message_stats"]!["deliver"]!.GetValue<long>(), Is.EqualTo(1));
        }

        var all = await GetJsonAsync("api/queues");
        Assert.That(Find(all, queue), Is.Not.Null, "/api/queues lists every vhost's queues");
        var single = await GetJsonAsync($"api/queues/%2F/{Segment(queue)}");
        Assert.That(single["consumer_details"]!.AsArray().Select(c => c!["queue"]!["name"]!.GetValue<string>()), Is.EqualTo(new[] { queue }));
    }

    [Test]
    public async Task Delete_honours_if_unused_and_if_empty()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        var path = $"api/queues/%2F/{Segment(queue)}";
        await PublishAsync(channel, queue, "x");
        await WaitForReadyAsync(queue, 1);
        AssertError(await SendAsync(HttpMethod.Delete, path + "?if-empty=true"), HttpStatusCode.BadRequest, "bad_request", $"queue '{queue}' in vhost '/' not empty");

        var tag = await channel.BasicConsumeAsync(queue, autoAck: true, new CollectingConsumer(channel));
        AssertError(await SendAsync(HttpMethod.Delete, path + "?if-unused=true"), HttpStatusCode.BadRequest, "bad_request", $"queue '{queue}' in vhost '/' in use");
        await channel.BasicCancelAsync(tag);

        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, path + "?if-unused=true");
        Assert.That(await QueueExistsAsync(await ConnectAsync(), queue), Is.False);
        AssertError(await SendAsync(HttpMethod.Delete, path), HttpStatusCode.NotFound, "Object Not Found");
    }

    [Test]
    public async Task Delete_of_contents_purges_the_ready_messages()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        await PublishAsync(channel, queue, "1", "2", "3");
        await WaitForReadyAsync(queue, 3);
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/queues/%2F/{Segment(queue)}/contents");
        Assert.That(await channel.MessageCountAsync(queue), Is.Zero);
    }

    [TestCase("ack_requeue_true", 2u, true)]
    [TestCase("reject_requeue_true", 2u, true)]
    [TestCase("ack_requeue_false", 0u, false)]
    [TestCase("reject_requeue_false", 0u, false)]
    public async Task Get_takes_messages_and_requeues_or_removes_them_as_ackmode_says(string ackMode, uint left, bool redelivered)
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        await PublishAsync(channel, queue, "first", "second");
        await WaitForReadyAsync(queue, 2);

        var got = (await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/queues/%2F/{Segment(queue)}/get",
            new JsonObject { ["count"] = 5, ["ackmode"] = ackMode, ["encoding"] = "auto" })).Json!.AsArray();
        Assert.That(got.Select(m => m!["payload"]!.GetValue<string>()), Is.EqualTo(new[] { "first", "second" }));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(got[0]!["payload_encoding"]!.GetValue<string>(), Is.EqualTo("string"));
            Assert.That(got[0]!["routing_key"]!.GetValue<string>(), Is.EqualTo(queue));
            Assert.That(got[0]!["exchange"]!.GetValue<string>(), Is.EqualTo(""));
            Assert.That(got[0]!["message_count"]!.GetValue<long>(), Is.EqualTo(1));
            Assert.That(got[0]!["redelivered"]!.GetValue<bool>(), Is.False);
            Assert.That(got[0]!["payload_bytes"]!.GetValue<long>(), Is.EqualTo(5));
        }

        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(left));
        if (left > 0)
        {
            var again = await channel.BasicGetAsync(queue, autoAck: true);
            Assert.That(again!.Redelivered, Is.EqualTo(redelivered));
        }
    }

    [Test]
    public async Task Get_encodes_binary_payloads_in_base64_truncates_and_shows_properties()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        var properties = new BasicProperties { ContentType = "application/octet-stream", Headers = new Dictionary<string, object?> { ["h"] = "v" }, Timestamp = new AmqpTimestamp(1_700_000_000) };
        await channel.BasicPublishAsync("", queue, mandatory: false, properties, new byte[] { 0x00, 0x01, 0x02, 0xFF });
        await WaitForReadyAsync(queue, 1);

        var auto = (await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/queues/%2F/{Segment(queue)}/get",
            new JsonObject { ["count"] = 1, ["ackmode"] = "ack_requeue_true", ["encoding"] = "auto" })).Json!.AsArray()[0]!;
        Assert.That((auto["payload"]!.GetValue<string>(), auto["payload_encoding"]!.GetValue<string>()), Is.EqualTo(("AAEC/w==", "base64")), "not UTF-8, so base64");
        Assert.That(auto["properties"]!["content_type"]!.GetValue<string>(), Is.EqualTo("application/octet-stream"));
        Assert.That(auto["properties"]!["headers"]!["h"]!.GetValue<string>(), Is.EqualTo("v"));
        Assert.That(auto["properties"]!["timestamp"]!.GetValue<long>(), Is.EqualTo(1_700_000_000));

        var truncated = (await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/queues/%2F/{Segment(queue)}/get",
            new JsonObject { ["count"] = 1, ["ackmode"] = "ack_requeue_true", ["encoding"] = "auto", ["truncate"] = 3 })).Json!.AsArray()[0]!;
        Assert.That((truncated["payload"]!.GetValue<string>(), truncated["payload_encoding"]!.GetValue<string>()), Is.EqualTo(("\u0000\u0001\u0002", "string")), "the first 3 bytes are UTF-8");
        Assert.That(truncated["payload_bytes"]!.GetValue<long>(), Is.EqualTo(4));
        Assert.That(truncated["redelivered"]!.GetValue<bool>(), Is.True);
    }

    [Test]
    public async Task Get_refuses_bad_parameters_and_missing_queues()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        var path = $"api/queues/%2F/{Segment(queue)}/get";
        AssertError(await SendAsync(HttpMethod.Post, path, new JsonObject { ["count"] = 1, ["encoding"] = "auto" }), HttpStatusCode.BadRequest, "bad_request", "ackmode");
        AssertError(await SendAsync(HttpMethod.Post, path, new JsonObject { ["count"] = 1, ["ackmode"] = "ack_requeue_true", ["encoding"] = "nope" }),
            HttpStatusCode.BadRequest, "bad_request", "Unsupported encoding. Please use auto or base64.");
        AssertError(await SendAsync(HttpMethod.Post, "api/queues/%2F/nosuch-queue/get", new JsonObject { ["count"] = 1, ["ackmode"] = "ack_requeue_true", ["encoding"] = "auto" }),
            HttpStatusCode.NotFound, "not_found", "no queue 'nosuch-queue'");
        if (!IsExternal)
        {
            // RabbitMQ 3.10 answers an unknown ackmode with a bare 500; a clear 400 is better.
            AssertError(await SendAsync(HttpMethod.Post, path, new JsonObject { ["count"] = 1, ["ackmode"] = "bogus", ["encoding"] = "auto" }),
                HttpStatusCode.BadRequest, "bad_request", "ackmode");
        }
    }

    private static JsonNode? Find(JsonNode list, string name) => list.AsArray().FirstOrDefault(q => q!["name"]!.GetValue<string>() == name);
}
