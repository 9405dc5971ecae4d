namespace AmqpBroker.InteropTests.Management;

/// <summary>/api/overview, /api/whoami, /api/nodes, /api/extensions, /api/cluster-name.</summary>
public sealed class OverviewEndpointTests : ManagementTestBase
{
    [Test]
    public async Task Overview_counts_what_exists_and_names_the_AMQP_listener()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        await PublishAsync(channel, queue, "one", "two");

        // RabbitMQ's statistics arrive a moment late; ours are immediate.
        var overview = await EventuallyJsonAsync("api/overview",
            o => o["queue_totals"]?["messages_ready"]?.GetValue<long>() >= 2 && o["object_totals"]?["connections"]?.GetValue<int>() >= 1
                && o["object_totals"]?["channels"]?.GetValue<int>() >= 1 && o["message_stats"]?["publish"] is not null,
            "the published messages, the connection and its channel are counted");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(overview["rabbitmq_version"]?.GetValue<string>(), Does.StartWith($"{Profile.Release}."));
            Assert.That(overview["management_version"]?.GetValue<string>(), Does.StartWith($"{Profile.Release}."));
            Assert.That(overview["object_totals"]!["queues"]!.GetValue<int>(), Is.GreaterThanOrEqualTo(1));
            Assert.That(overview["object_totals"]!["connections"]!.GetValue<int>(), Is.GreaterThanOrEqualTo(1));
            Assert.That(overview["object_totals"]!["channels"]!.GetValue<int>(), Is.GreaterThanOrEqualTo(1));
            Assert.That(overview["object_totals"]!["exchanges"]!.GetValue<int>(), Is.GreaterThanOrEqualTo(5));
            Assert.That(overview["message_stats"]!["publish"]!.GetValue<long>(), Is.GreaterThanOrEqualTo(2));
            Assert.That(overview["message_stats"]!["publish_details"]!["rate"], Is.Not.Null);
            Assert.That(overview["queue_totals"]!["messages"]!.GetValue<long>(), Is.GreaterThanOrEqualTo(2));
            Assert.That(overview["exchange_types"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()), Is.SupersetOf(new[] { "direct", "fanout", "headers", "topic" }));
            var amqp = overview["listeners"]!.AsArray().Where(l => l!["protocol"]!.GetValue<string>() == "amqp").Select(l => l!["port"]!.GetValue<int>());
            Assert.That(amqp, Does.Contain(AmqpUri.Port));
        }
    }

    [Test]
    public async Task Whoami_names_the_user_and_its_tags()
    {
        var whoami = await GetJsonAsync("api/whoami");
        Assert.That(whoami["name"]!.GetValue<string>(), Is.EqualTo("guest"));
        Assert.That(whoami["tags"]!.AsArray().Select(t => t!.GetValue<string>()), Is.EqualTo(new[] { "administrator" }));
    }

    [Test]
    public async Task Nodes_lists_one_running_node_that_can_be_fetched_by_name()
    {
        var nodes = (await GetJsonAsync("api/nodes")).AsArray();
        Assert.That(nodes, Has.Count.EqualTo(1));
        var name = nodes[0]!["name"]!.GetValue<string>();
        Assert.That(nodes[0]!["running"]!.GetValue<bool>(), Is.True);

        var node = await GetJsonAsync($"api/nodes/{Segment(name)}");
        Assert.That(node["name"]!.GetValue<string>(), Is.EqualTo(name));
        if (IsExternal)
        {
            // RabbitMQ 3.10 answers an unknown node with a bare 500.
            return;
        }

        AssertError(await SendAsync(HttpMethod.Get, "api/nodes/nosuch%40node"), HttpStatusCode.NotFound, "Object Not Found");
    }

    [Test]
    public async Task Extensions_is_a_list_and_cluster_name_an_object()
    {
        Assert.That(await GetJsonAsync("api/extensions"), Is.InstanceOf<JsonArray>());
        Assert.That((await GetJsonAsync("api/cluster-name"))["name"]!.GetValue<string>(), Is.Not.Empty);
    }

    [Test]
    public async Task An_unknown_path_is_RabbitMQs_404()
    {
        AssertError(await SendAsync(HttpMethod.Get, "api/nosuch"), HttpStatusCode.NotFound, "Object Not Found", "Not Found");
    }
}
