using System.Net;
using System.Text.Json.Nodes;

namespace AmqpBroker.InteropTests.Management;

/// <summary>/api/connections, /api/channels, /api/consumers, and closing a connection over HTTP.</summary>
public sealed class ConnectionEndpointTests : ManagementTestBase
{
    [Test]
    public async Task Connections_and_channels_are_listed_with_RabbitMQs_names_and_fields()
    {
        var connection = await ConnectAsync(f => f.ClientProvidedName = "mgmt-test-" + Guid.NewGuid().ToString("N"));
        await connection.CreateChannelAsync();
        var confirming = await connection.CreateChannelAsync(ConfirmOptions);

        // RabbitMQ's channel count arrives with its next statistics; ours is immediate.
        var listed = await EventuallyJsonAsync("api/connections", list => Mine(list, connection.ClientProvidedName!)?["channels"]?.GetValue<int>() == 2, "the connection is listed with its channels");
        var mine = Mine(listed, connection.ClientProvidedName!)!;
        var name = mine["name"]!.GetValue<string>();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(name, Does.Match(@"^.+:\d+ -> .+:\d+$"));
            Assert.That(mine["user"]!.GetValue<string>(), Is.EqualTo("guest"));
            Assert.That(mine["vhost"]!.GetValue<string>(), Is.EqualTo("/"));
            Assert.That(mine["protocol"]!.GetValue<string>(), Is.EqualTo("AMQP 0-9-1"));
            Assert.That(mine["auth_mechanism"]!.GetValue<string>(), Is.EqualTo("PLAIN"));
            Assert.That(mine["channels"]!.GetValue<int>(), Is.EqualTo(2));
            Assert.That(mine["state"]!.GetValue<string>(), Is.EqualTo("running"));
            Assert.That(mine["peer_port"]!.GetValue<int>(), Is.GreaterThan(0));
            Assert.That(mine["client_properties"]!["product"]!.GetValue<string>(), Does.Contain("RabbitMQ"));
        }

        var single = await GetJsonAsync($"api/connections/{Segment(name)}");
        Assert.That(single["name"]!.GetValue<string>(), Is.EqualTo(name));

        var channels = (await GetJsonAsync($"api/connections/{Segment(name)}/channels")).AsArray();
        Assert.That(channels.Select(c => c!["name"]!.GetValue<string>()), Is.EquivalentTo(new[] { $"{name} (1)", $"{name} ({confirming.ChannelNumber})" }));
        Assert.That(channels.Single(c => c!["number"]!.GetValue<int>() == confirming.ChannelNumber)!["confirm"]!.GetValue<bool>(), Is.True);

        var channel = await GetJsonAsync($"api/channels/{Segment($"{name} (1)")}");
        Assert.That((channel["number"]!.GetValue<int>(), channel["connection_details"]!["name"]!.GetValue<string>()), Is.EqualTo((1, name)));
        Assert.That((await GetJsonAsync("api/channels")).AsArray().Select(c => c!["name"]!.GetValue<string>()), Does.Contain($"{name} (1)"));
        Assert.That((await GetJsonAsync("api/vhosts/%2F/connections")).AsArray().Select(c => c!["name"]!.GetValue<string>()), Does.Contain(name));
        AssertError(await SendAsync(HttpMethod.Get, "api/connections/nosuch"), HttpStatusCode.NotFound, "Object Not Found");
        AssertError(await SendAsync(HttpMethod.Get, "api/channels/nosuch"), HttpStatusCode.NotFound, "Object Not Found");
    }

    [Test]
    public async Task Consumers_are_listed_with_their_queue_and_channel()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        await channel.BasicQosAsync(0, 7, false);
        var tag = await channel.BasicConsumeAsync(queue, autoAck: false, consumerTag: "mgmt-consumer-" + Guid.NewGuid().ToString("N"), noLocal: false, exclusive: false, arguments: null, consumer: new CollectingConsumer(channel));

        // RabbitMQ fills in channel_details with its next statistics.
        var consumers = await EventuallyJsonAsync("api/consumers/%2F",
            list => list.AsArray().Any(c => c!["consumer_tag"]!.GetValue<string>() == tag && c["channel_details"] is JsonObject), "the consumer is listed");
        var consumer = consumers.AsArray().Single(c => c!["consumer_tag"]!.GetValue<string>() == tag)!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(consumer["queue"]!["name"]!.GetValue<string>(), Is.EqualTo(queue));
            Assert.That(consumer["queue"]!["vhost"]!.GetValue<string>(), Is.EqualTo("/"));
            Assert.That(consumer["ack_required"]!.GetValue<bool>(), Is.True);
            Assert.That(consumer["prefetch_count"]!.GetValue<int>(), Is.EqualTo(7));
            Assert.That(consumer["channel_details"]!["number"]!.GetValue<int>(), Is.EqualTo(channel.ChannelNumber));
        }

        Assert.That((await GetJsonAsync("api/consumers")).AsArray().Select(c => c!["consumer_tag"]!.GetValue<string>()), Does.Contain(tag));
    }

    [Test]
    public async Task Delete_closes_the_connection_with_320_and_the_X_Reason_text()
    {
        var (name, closed) = await ListedConnectionAsync();

        var response = await SendAsync(HttpMethod.Delete, $"api/connections/{Segment(name)}", configure: r => r.Headers.Add("X-Reason", "maintenance window"));
        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NoContent), response.Body);

        var reason = await closed.Task.WaitAsync(Timeout);
        Assert.That(reason.ReplyCode, Is.EqualTo(320));
        Assert.That(reason.ReplyText, Is.EqualTo("CONNECTION_FORCED - maintenance window"));
        AssertError(await SendAsync(HttpMethod.Delete, "api/connections/nosuch"), HttpStatusCode.NotFound, "Object Not Found");
    }

    [Test]
    public async Task Delete_without_X_Reason_uses_RabbitMQs_default_reason()
    {
        var (name, closed) = await ListedConnectionAsync();
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/connections/{Segment(name)}");
        Assert.That((await closed.Task.WaitAsync(Timeout)).ReplyText, Is.EqualTo("CONNECTION_FORCED - Closed via management plugin"));
    }

    /// <summary>A new connection once the API lists it: its name there, and its shutdown to await.</summary>
    private async Task<(string Name, TaskCompletionSource<ShutdownEventArgs> Closed)> ListedConnectionAsync()
    {
        var connection = await ConnectAsync(f => f.ClientProvidedName = "mgmt-close-" + Guid.NewGuid().ToString("N"));
        var closed = new TaskCompletionSource<ShutdownEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionShutdownAsync += (_, args) =>
        {
            closed.TrySetResult(args);
            return Task.CompletedTask;
        };
        var listed = await EventuallyJsonAsync("api/connections", list => Mine(list, connection.ClientProvidedName!) is not null, "the connection is listed");
        return (Mine(listed, connection.ClientProvidedName!)!["name"]!.GetValue<string>(), closed);
    }

    private static System.Text.Json.Nodes.JsonNode? Mine(System.Text.Json.Nodes.JsonNode list, string providedName) =>
        list.AsArray().FirstOrDefault(c => c!["user_provided_name"]?.GetValue<string>() == providedName);
}
