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

    /// <summary>
    /// rabbit_mgmt_wm_vhost:accept_content and rabbit_vhost:put_vhost/6 (the same from v3.10.8 to v4.3.5): every PUT sets
    /// the description and tags, absent ones empty; tags are a comma-separated string or a list, each trimmed
    /// (parse_tags/1). Checked against RabbitMQ 3.10.8.
    /// </summary>
    [Test]
    public async Task Description_and_tags_are_kept_and_each_put_replaces_them()
    {
        var name = TrackVirtualHost(UniqueName("vh"));
        var path = $"api/vhosts/{Segment(name)}";

        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, path, new JsonObject { ["description"] = "orders team", ["tags"] = "prod, eu" });
        Assert.That(DescriptionAndTags(await GetJsonAsync(path)), Is.EqualTo(("orders team", "prod|eu", "orders team", "prod|eu")));

        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, path, new JsonObject { ["tags"] = new JsonArray("a ", " b") });
        Assert.That(DescriptionAndTags(await GetJsonAsync(path)), Is.EqualTo(("", "a|b", "", "a|b")));

        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, path, new JsonObject());
        Assert.That(DescriptionAndTags(await GetJsonAsync(path)), Is.EqualTo(("", "", "", "")));
    }

    /// <summary>
    /// rabbit_definitions:add_vhost/2 takes the entry's description and tags, else its metadata's (v3.10.8 to v4.3.5).
    /// </summary>
    [Test]
    public async Task A_definitions_import_sets_description_and_tags()
    {
        var (fromEntry, fromMetadata) = (TrackVirtualHost(UniqueName("vh")), TrackVirtualHost(UniqueName("vh")));
        var file = new JsonObject
        {
            ["vhosts"] = new JsonArray(
                new JsonObject { ["name"] = fromEntry, ["description"] = "imported", ["tags"] = "t1,t2" },
                new JsonObject { ["name"] = fromMetadata, ["metadata"] = new JsonObject { ["description"] = "meta", ["tags"] = new JsonArray("m") } }),
        };

        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, "api/definitions", file);

        Assert.That(DescriptionAndTags(await GetJsonAsync($"api/vhosts/{Segment(fromEntry)}")), Is.EqualTo(("imported", "t1|t2", "imported", "t1|t2")));
        Assert.That(DescriptionAndTags(await GetJsonAsync($"api/vhosts/{Segment(fromMetadata)}")), Is.EqualTo(("meta", "m", "meta", "m")));
        var exported = (await GetJsonAsync("api/definitions"))["vhosts"]!.AsArray().Single(v => v!["name"]!.GetValue<string>() == fromEntry)!;
        var exportsMetadata = Profile.DefinitionsExportVirtualHostMetadata || Profile.DefinitionsExportCanonical;
        Assert.That(exported["metadata"]?["description"]?.GetValue<string>(), Is.EqualTo(exportsMetadata ? "imported" : null), "the export carries it from 3.13");
    }

    private static (string, string, string, string) DescriptionAndTags(JsonNode vhost) => (
        vhost["description"]!.GetValue<string>(),
        string.Join("|", vhost["tags"]!.AsArray().Select(t => t!.GetValue<string>())),
        vhost["metadata"]!["description"]!.GetValue<string>(),
        string.Join("|", vhost["metadata"]!["tags"]!.AsArray().Select(t => t!.GetValue<string>())));
}
