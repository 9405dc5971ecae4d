using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.QueueTypes;

/// <summary>
/// Quorum queues in the management API as RabbitMQ 3.10.8 shows them (checked): type "quorum", the leader,
/// members and online replicas (the one node), and definitions that export the queue type in its arguments
/// and import it back, into a virtual host of the test's own.
/// </summary>
public sealed class QuorumManagementTests : ManagementTestBase
{
    [Test]
    public async Task A_quorum_queue_shows_its_type_and_its_one_node_as_leader_member_and_online()
    {
        var channel = await OpenChannelAsync();
        var name = Track($"qq-{Guid.NewGuid():N}");
        await channel.QueueDeclareAsync(name, true, false, false, Args(("x-queue-type", "quorum"), ("x-delivery-limit", 2)));

        var queue = await GetJsonAsync($"api/queues/%2F/{Segment(name)}");

        // RabbitMQ shows "node" only once the queue's first statistics are in; the leader is there at once.
        var node = queue["leader"]!.GetValue<string>();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(queue["type"]!.GetValue<string>(), Is.EqualTo("quorum"));
            Assert.That(queue["durable"]!.GetValue<bool>(), Is.True);
            Assert.That(queue["node"]?.GetValue<string>() ?? node, Is.EqualTo(node));
            Assert.That(queue["members"]!.AsArray().Select(m => m!.GetValue<string>()), Is.EqualTo(new[] { node }));
            Assert.That(queue["online"]!.AsArray().Select(m => m!.GetValue<string>()), Is.EqualTo(new[] { node }));
            Assert.That(queue["arguments"]!.ToJsonString(), Is.EqualTo("""{"x-delivery-limit":2,"x-queue-type":"quorum"}"""));
        }
    }

    [Test]
    public async Task Definitions_carry_the_type_in_the_arguments_and_import_it_back()
    {
        var virtualHost = TrackVirtualHost(UniqueName("qq-defs"));
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/vhosts/{Segment(virtualHost)}", "{}");
        var file = new JsonObject
        {
            ["queues"] = new JsonArray(new JsonObject
            {
                ["name"] = "orders",
                ["durable"] = true,
                ["auto_delete"] = false,
                ["arguments"] = new JsonObject { ["x-queue-type"] = "quorum", ["x-quorum-initial-group-size"] = 3 },
            }),
        };

        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, $"api/definitions/{Segment(virtualHost)}", file.ToJsonString());
        var exported = await GetJsonAsync($"api/definitions/{Segment(virtualHost)}");
        var queue = await GetJsonAsync($"api/queues/{Segment(virtualHost)}/orders");

        var entry = exported["queues"]!.AsArray().Single()!;
        Assert.That(entry["arguments"]!.ToJsonString(), Is.EqualTo("""{"x-queue-type":"quorum","x-quorum-initial-group-size":3}"""));
        Assert.That(entry["durable"]!.GetValue<bool>(), Is.True);
        Assert.That(queue["type"]!.GetValue<string>(), Is.EqualTo("quorum"));
    }

    [Test]
    public async Task A_transient_quorum_queue_in_a_definitions_file_is_refused()
    {
        var virtualHost = TrackVirtualHost(UniqueName("qq-defs"));
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/vhosts/{Segment(virtualHost)}", "{}");
        var file = new JsonObject
        {
            ["queues"] = new JsonArray(new JsonObject { ["name"] = "orders", ["durable"] = false, ["arguments"] = new JsonObject { ["x-queue-type"] = "quorum" } }),
        };

        var response = await SendAsync(HttpMethod.Post, $"api/definitions/{Segment(virtualHost)}", file.ToJsonString());

        // RabbitMQ 3.10.8's reason here is "function_clause"; this broker's names the refused property.
        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.BadRequest), response.Body);
        Assert.That(await QueueExistsAsync(await ConnectAsync(c => c.VirtualHost = virtualHost), "orders"), Is.False);
    }

    [Test]
    public async Task An_at_least_once_dead_letter_that_routes_nowhere_stays_in_the_queue_as_messages_dlx()
    {
        var channel = await OpenChannelAsync(ConfirmOptions);
        var name = Track($"qq-{Guid.NewGuid():N}");
        await channel.QueueDeclareAsync(name, true, false, false, Args(
            ("x-queue-type", "quorum"), ("x-dead-letter-strategy", "at-least-once"), ("x-overflow", "reject-publish"), ("x-dead-letter-exchange", $"missing-{Guid.NewGuid():N}")));
        await channel.BasicPublishAsync(string.Empty, name, "m"u8.ToArray());
        var got = await GetEventuallyAsync(channel, name, autoAck: false);

        await channel.BasicRejectAsync(got.DeliveryTag, requeue: false);

        Assert.That(await channel.MessageCountAsync(name), Is.Zero, "not ready any more");
        await EventuallyJsonAsync(
            $"api/queues/%2F/{Segment(name)}",
            q => q["messages_dlx"]?.GetValue<long>() == 1 && q["message_bytes_dlx"]?.GetValue<long>() == 1 && q["messages"]?.GetValue<long>() == 1,
            "one message pending dead-lettering, counted in messages");
    }
}
