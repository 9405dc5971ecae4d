namespace AmqpBroker.InteropTests.Management;

/// <summary>The admin API and AMQP together: declare over HTTP, publish and consume over AMQP, read the counts over HTTP.</summary>
public sealed class CombinationTests : ManagementTestBase
{
    [Test]
    public async Task Declared_over_HTTP_published_over_AMQP_counted_over_HTTP()
    {
        var exchange = TrackExchange(UniqueName("x"));
        var queue = Track(UniqueName());
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/exchanges/%2F/{Segment(exchange)}", new JsonObject { ["type"] = "fanout" });
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/queues/%2F/{Segment(queue)}", new JsonObject { ["durable"] = false });
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, $"api/bindings/%2F/e/{Segment(exchange)}/q/{Segment(queue)}", "{}");

        var connection = await ConnectAsync();
        var publisher = await connection.CreateChannelAsync(ConfirmOptions);
        for (var i = 0; i < 5; i++)
        {
            await publisher.BasicPublishAsync(exchange, "", System.Text.Encoding.UTF8.GetBytes($"m{i}"));
        }

        var path = $"api/queues/%2F/{Segment(queue)}";
        var ready = await EventuallyJsonAsync(path, q => q["messages_ready"]?.GetValue<long>() == 5, "five messages are ready");
        Assert.That((ready["messages"]!.GetValue<long>(), ready["messages_unacknowledged"]!.GetValue<long>()), Is.EqualTo((5L, 0L)));

        var consumerChannel = await connection.CreateChannelAsync();
        await consumerChannel.BasicQosAsync(0, 2, false);
        var consumer = new CollectingConsumer(consumerChannel);
        var tag = await consumerChannel.BasicConsumeAsync(queue, autoAck: false, consumer);
        // RabbitMQ emits a queue's message counts and its consumer count separately: the unacked count can show up
        // half a second before "consumers" does, so the poll waits for both.
        var consuming = await EventuallyJsonAsync(
            path, q => q["messages_unacknowledged"]?.GetValue<long>() == 2 && q["consumers"]?.GetValue<long>() == 1, "two deliveries are unacked (prefetch 2) by one consumer");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(consuming["messages_ready"]!.GetValue<long>(), Is.EqualTo(3));
            Assert.That(consuming["message_stats"]!["publish"]!.GetValue<long>(), Is.EqualTo(5));
            Assert.That(consuming["message_stats"]!["deliver"]!.GetValue<long>(), Is.EqualTo(2));
        }

        var channelName = consuming["consumer_details"]![0]!["channel_details"]!["name"]!.GetValue<string>();
        // A channel's statistics are emitted apart from its queue's too (RabbitMQ 3.10.8 showed zeros here under load).
        var consumerJson = await EventuallyJsonAsync($"api/channels/{Segment(channelName)}", c => c["consumer_count"]?.GetValue<int>() == 1 && c["messages_unacknowledged"]?.GetValue<int>() == 2, "the channel counts its consumer and deliveries");
        Assert.That((consumerJson["consumer_count"]!.GetValue<int>(), consumerJson["messages_unacknowledged"]!.GetValue<int>(), consumerJson["prefetch_count"]!.GetValue<int>()), Is.EqualTo((1, 2, 2)));

        await consumerChannel.BasicCancelAsync(tag);
        await consumerChannel.BasicAckAsync(0, multiple: true);
        await EventuallyJsonAsync(path,
            q => q["message_stats"]?["ack"]?.GetValue<long>() == 2 && q["messages"]?.GetValue<long>() == 3 && q["messages_unacknowledged"]?.GetValue<long>() == 0,
            "the two acks are counted and the queue holds the other three");

        var overview = await GetJsonAsync("api/overview");
        Assert.That(overview["message_stats"]!["confirm"]!.GetValue<long>(), Is.GreaterThanOrEqualTo(5));
        var vhost = (await GetJsonAsync("api/vhosts")).AsArray().Single(v => v!["name"]!.GetValue<string>() == "/")!;
        Assert.That(vhost["messages"]!.GetValue<long>(), Is.GreaterThanOrEqualTo(3));
    }

    [Test]
    public async Task An_exclusive_queue_shows_its_owner_and_is_locked_to_HTTP_gets()
    {
        var channel = await OpenChannelAsync();
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        var json = await EventuallyJsonAsync($"api/queues/%2F/{Segment(queue)}", q => q["owner_pid_details"] is JsonObject, "the owner is shown");
        Assert.That(json["exclusive"]!.GetValue<bool>(), Is.True);
        Assert.That(json["owner_pid_details"]!["name"]!.GetValue<string>(), Does.Contain("->"));

        var get = await SendAsync(HttpMethod.Post, $"api/queues/%2F/{Segment(queue)}/get", new JsonObject { ["count"] = 1, ["ackmode"] = "ack_requeue_true", ["encoding"] = "auto" });
        AssertError(get, HttpStatusCode.BadRequest, "bad_request", "exclusive");
    }
}
