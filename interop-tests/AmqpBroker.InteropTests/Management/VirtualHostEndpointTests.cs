using System.Net;
using System.Text.Json.Nodes;

namespace AmqpBroker.InteropTests.Management;

/// <summary>/api/vhosts: list, get, create, delete (with everything in it).</summary>
public sealed class VirtualHostEndpointTests : ManagementTestBase
{
    [Test]
    public async Task A_vhost_is_created_listed_used_and_deleted_with_its_contents()
    {
        var name = TrackVirtualHost(UniqueName("vh"));
        var path = $"api/vhosts/{Segment(name)}";
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, path, new JsonObject { ["description"] = "made by a test" });
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, path, "{}");
        Assert.That((await GetJsonAsync(path))["name"]!.GetValue<string>(), Is.EqualTo(name));
        Assert.That((await GetJsonAsync("api/vhosts")).AsArray().Select(v => v!["name"]!.GetValue<string>()), Does.Contain(name).And.Contain("/"));

        // As in RabbitMQ, the administrator who created it over HTTP may use it at once.
        var granted = await GetJsonAsync($"api/permissions/{Segment(name)}/guest");
        Assert.That((granted["configure"]!.GetValue<string>(), granted["write"]!.GetValue<string>(), granted["read"]!.GetValue<string>()), Is.EqualTo((".*", ".*", ".*")));
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/queues/{Segment(name)}/q", "{}");
        var factory = CreateFactory();
        factory.VirtualHost = name;
        var connection = await factory.CreateConnectionAsync();
        // A channel's open-ok comes after the broker handled connection.open, which the client may not have waited for.
        await using var channel = await connection.CreateChannelAsync();
        var closed = new TaskCompletionSource<ShutdownEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionShutdownAsync += (_, args) =>
        {
            closed.TrySetResult(args);
            return Task.CompletedTask;
        };

        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, path);
        var reason = await closed.Task.WaitAsync(Timeout);
        Assert.That(reason.ReplyCode, Is.EqualTo(320), $"its connections are closed: {reason}");
        AssertError(await SendAsync(HttpMethod.Get, path), HttpStatusCode.NotFound, "Object Not Found");
        AssertError(await SendAsync(HttpMethod.Get, $"api/queues/{Segment(name)}"), HttpStatusCode.NotFound, "Object Not Found");
        AssertError(await SendAsync(HttpMethod.Delete, path), HttpStatusCode.NotFound, "Object Not Found");
        await connection.DisposeAsync();
    }

    [Test]
    public async Task A_vhost_lists_its_message_counts()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        await PublishAsync(channel, queue, "1", "2");
        await WaitForReadyAsync(queue, 2);
        var root = (await GetJsonAsync("api/vhosts")).AsArray().Single(v => v!["name"]!.GetValue<string>() == "/")!;
        Assert.That(root["messages_ready"]!.GetValue<long>(), Is.GreaterThanOrEqualTo(2));
        Assert.That(root["messages_ready_details"]!["rate"], Is.Not.Null);
    }

    [Test]
    public async Task Names_with_slashes_and_spaces_travel_percent_encoded()
    {
        var name = TrackVirtualHost($"{UniqueName("vh")}/with space%2F");
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/vhosts/{Segment(name)}", "{}");
        Assert.That((await GetJsonAsync($"api/vhosts/{Segment(name)}"))["name"]!.GetValue<string>(), Is.EqualTo(name));
        Assert.That((await GetJsonAsync($"api/exchanges/{Segment(name)}")).AsArray(), Is.Not.Empty);
    }
}
