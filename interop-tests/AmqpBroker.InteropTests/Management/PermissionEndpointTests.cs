namespace AmqpBroker.InteropTests.Management;

/// <summary>/api/permissions, and that the patterns govern what a user may do over HTTP as over AMQP.</summary>
public sealed class PermissionEndpointTests : ManagementTestBase
{
    [Test]
    public async Task Permissions_are_set_read_listed_and_cleared()
    {
        var (name, _) = await CreateUserAsync("management", permissions: false);
        var path = $"api/permissions/%2F/{Segment(name)}";
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, path, new JsonObject { ["configure"] = "^c", ["write"] = "^w", ["read"] = "^r" });
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, path, new JsonObject { ["configure"] = "^c-", ["write"] = "^w-", ["read"] = "^r-" });

        var permission = await GetJsonAsync(path);
        Assert.That((permission["user"]!.GetValue<string>(), permission["vhost"]!.GetValue<string>(), permission["configure"]!.GetValue<string>()), Is.EqualTo((name, "/", "^c-")));
        Assert.That((await GetJsonAsync("api/permissions")).AsArray().Count(p => p!["user"]!.GetValue<string>() == name), Is.EqualTo(1));
        Assert.That((await GetJsonAsync("api/vhosts/%2F/permissions")).AsArray().Select(p => p!["user"]!.GetValue<string>()), Does.Contain(name));
        Assert.That((await GetJsonAsync($"api/users/{Segment(name)}/permissions")).AsArray().Select(p => p!["vhost"]!.GetValue<string>()), Is.EqualTo(new[] { "/" }));

        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, path);
        AssertError(await SendAsync(HttpMethod.Get, path), HttpStatusCode.NotFound, "Object Not Found");
        AssertError(await SendAsync(HttpMethod.Delete, path), HttpStatusCode.NotFound, "Object Not Found");
    }

    [Test]
    public async Task Bad_permissions_are_refused_with_RabbitMQs_reasons()
    {
        var (name, _) = await CreateUserAsync("management", permissions: false);
        AssertError(await SendAsync(HttpMethod.Put, $"api/permissions/%2F/{Segment(name)}", new JsonObject { ["configure"] = ".*" }), HttpStatusCode.BadRequest, "bad_request", "key_missing");
        AssertError(await SendAsync(HttpMethod.Put, $"api/permissions/%2F/nosuch-user-{Guid.NewGuid():N}", new JsonObject { ["configure"] = ".*", ["write"] = "", ["read"] = "" }),
            HttpStatusCode.BadRequest, "bad_request", "vhost_or_user_not_found");
        AssertError(await SendAsync(HttpMethod.Put, $"api/permissions/%2F/{Segment(name)}", new JsonObject { ["configure"] = "(", ["write"] = "", ["read"] = "" }),
            HttpStatusCode.BadRequest, "bad_request");
    }

    [Test]
    public async Task HTTP_operations_are_held_to_the_users_patterns()
    {
        var (name, password) = await CreateUserAsync("management", permissions: false);
        await SetPermissionsAsync(name, "/", configure: "^perm-c", write: "^perm-w|^amq\\.default$", read: "^perm-r");
        var client = CreateClient(name, password);
        var allowed = Track("perm-c-" + Guid.NewGuid().ToString("N"));
        var refused = Track("other-" + Guid.NewGuid().ToString("N"));

        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/queues/%2F/{allowed}", "{}", client);
        AssertError(await SendAsync(HttpMethod.Put, $"api/queues/%2F/{refused}", "{}", client), HttpStatusCode.Unauthorized, "not_authorised");
        AssertError(await SendAsync(HttpMethod.Post, $"api/queues/%2F/{allowed}/get", new JsonObject { ["count"] = 1, ["ackmode"] = "ack_requeue_true", ["encoding"] = "auto" }, client),
            HttpStatusCode.Unauthorized, "not_authorised", $"{Refused("read")}access to queue '{allowed}' in vhost '/' refused for user '{name}'");
        AssertError(await SendAsync(HttpMethod.Post, "api/exchanges/%2F/amq.direct/publish", new JsonObject { ["routing_key"] = "k", ["payload"] = "x", ["payload_encoding"] = "string", ["properties"] = new JsonObject() }, client),
            HttpStatusCode.BadRequest, "bad_request", "403 ACCESS_REFUSED");
        var published = await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "api/exchanges/%2F/amq.default/publish",
            new JsonObject { ["routing_key"] = allowed, ["payload"] = "x", ["payload_encoding"] = "string", ["properties"] = new JsonObject() }, client);
        Assert.That(published.Json!["routed"]!.GetValue<bool>(), Is.True);
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/queues/%2F/{allowed}", client: client);
    }
}
