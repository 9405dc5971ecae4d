namespace AmqpBroker.InteropTests.Security;

/// <summary>
/// Topic permissions as RabbitMQ 3.10.8 enforces them (each case first run against it): a write pattern on the
/// routing keys a user may publish with to a topic exchange, a read pattern on the binding keys it may bind and
/// unbind with, <c>{username}</c> and <c>{vhost}</c> expanded, other exchange types and other users untouched;
/// and the management endpoints that set them.
/// </summary>
public sealed class TopicPermissionTests : SecurityEndpointTestBase
{
    [Test]
    public async Task Publishing_to_a_topic_exchange_needs_a_routing_key_the_write_pattern_matches()
    {
        var (virtualHost, user) = await CreateVirtualHostAndUserAsync();
        await PutTopicPermissionAsync(virtualHost, user, "amq.topic", write: "^{username}\\.", read: ".*");
        var channel = await (await ConnectAsAsync(user, virtualHost)).CreateChannelAsync(ConfirmOptions);

        await channel.BasicPublishAsync("amq.topic", $"{user}.allowed", "x"u8.ToArray());
        await ExpectClosedAsync(
            async () => await channel.BasicPublishAsync("amq.topic", "someone.else", "x"u8.ToArray()),
            403,
            $"ACCESS_REFUSED - {Refused("write")}access to topic 'someone.else' in exchange 'amq.topic' in vhost '{virtualHost}' refused for user '{user}'");
    }

    [Test]
    public async Task Binding_and_unbinding_need_a_binding_key_the_read_pattern_matches_with_the_vhost_expanded()
    {
        var (virtualHost, user) = await CreateVirtualHostAndUserAsync();
        await PutTopicPermissionAsync(virtualHost, user, "amq.topic", write: ".*", read: "^{vhost}-r\\.");
        var connection = await ConnectAsAsync(user, virtualHost);
        var channel = await connection.CreateChannelAsync();
        var queue = (await channel.QueueDeclareAsync(exclusive: true)).QueueName;

        await channel.QueueBindAsync(queue, "amq.topic", $"{virtualHost}-r.x");
        var refused = $"ACCESS_REFUSED - {Refused("read")}access to topic 'nope' in exchange 'amq.topic' in vhost '{virtualHost}' refused for user '{user}'";
        await ExpectClosedAsync(() => channel.QueueBindAsync(queue, "amq.topic", "nope"), 403, refused);
        var unbinding = await connection.CreateChannelAsync();
        await ExpectClosedAsync(() => unbinding.QueueUnbindAsync(queue, "amq.topic", "nope"), 403, refused);
    }

    [Test]
    public async Task Exchanges_without_a_topic_permission_and_other_exchange_types_are_not_restricted()
    {
        var (virtualHost, user) = await CreateVirtualHostAndUserAsync();
        await PutTopicPermissionAsync(virtualHost, user, "amq.topic", write: "^$", read: "^$");
        var channel = await (await ConnectAsAsync(user, virtualHost)).CreateChannelAsync(ConfirmOptions);
        await channel.ExchangeDeclareAsync("other.topic", ExchangeType.Topic, autoDelete: true);

        await channel.BasicPublishAsync("other.topic", "any.key", "x"u8.ToArray());
        await channel.BasicPublishAsync("amq.direct", "any.key", "x"u8.ToArray());
        var queue = (await channel.QueueDeclareAsync(exclusive: true)).QueueName;
        await channel.QueueBindAsync(queue, "other.topic", "any.key");
        Assert.That(channel.IsOpen, Is.True);
    }

    [Test]
    public async Task Topic_permissions_are_set_listed_and_cleared_with_rabbitmqs_answers()
    {
        var (virtualHost, user) = await CreateVirtualHostAndUserAsync();
        var path = $"api/topic-permissions/{Segment(virtualHost)}/{Segment(user)}";
        AssertError(await SendAsync(HttpMethod.Get, path), HttpStatusCode.NotFound, "Object Not Found");
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, path, Body("amq.topic", "^w", "^r"));
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, path, Body("other", ".*", ".*"));

        var listed = (await GetJsonAsync(path)).AsArray();
        Assert.That(listed.Select(p => p!["exchange"]!.GetValue<string>()), Is.EquivalentTo(new[] { "amq.topic", "other" }));
        var first = listed.Single(p => p!["exchange"]!.GetValue<string>() == "amq.topic")!;
        Assert.That((first["user"]!.GetValue<string>(), first["vhost"]!.GetValue<string>(), first["write"]!.GetValue<string>(), first["read"]!.GetValue<string>()),
            Is.EqualTo((user, virtualHost, "^w", "^r")));
        Assert.That((await GetJsonAsync($"api/vhosts/{Segment(virtualHost)}/topic-permissions")).AsArray(), Has.Count.EqualTo(2));
        Assert.That((await GetJsonAsync($"api/users/{Segment(user)}/topic-permissions")).AsArray(), Has.Count.EqualTo(2));
        Assert.That((await GetJsonAsync("api/topic-permissions")).AsArray().Count(p => p!["user"]!.GetValue<string>() == user), Is.EqualTo(2));

        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"{path}/other");
        Assert.That((await GetJsonAsync(path)).AsArray(), Has.Count.EqualTo(1));
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, path);
        AssertError(await SendAsync(HttpMethod.Delete, path), HttpStatusCode.NotFound, "Object Not Found");
    }

    [Test]
    public async Task Bad_topic_permissions_are_refused_with_rabbitmqs_reasons()
    {
        var (virtualHost, user) = await CreateVirtualHostAndUserAsync();
        var path = $"api/topic-permissions/{Segment(virtualHost)}/{Segment(user)}";
        AssertError(await SendAsync(HttpMethod.Put, path, new JsonObject { ["exchange"] = "amq.topic", ["write"] = ".*" }), HttpStatusCode.BadRequest, "bad_request", "key_missing");
        AssertError(await SendAsync(HttpMethod.Put, path, Body("amq.topic", "(", ".*")), HttpStatusCode.BadRequest, "bad_request", "invalid_regexp");
        AssertError(await SendAsync(HttpMethod.Put, $"api/topic-permissions/{Segment(virtualHost)}/nosuch-{Guid.NewGuid():N}", Body("amq.topic", ".*", ".*")),
            HttpStatusCode.BadRequest, "bad_request", "vhost_or_user_not_found");
        AssertError(await SendAsync(HttpMethod.Get, $"api/users/nosuch-{Guid.NewGuid():N}/topic-permissions"), HttpStatusCode.NotFound, "Object Not Found");
    }

    [Test]
    public async Task Definitions_export_topic_permissions_and_limits_in_rabbitmqs_sections()
    {
        var (virtualHost, user) = await CreateVirtualHostAndUserAsync();
        await PutTopicPermissionAsync(virtualHost, user, "amq.topic", "^a", "^b");
        await PutLimitAsync("vhost", virtualHost, "max-queues", 7);
        await PutLimitAsync("user", user, "max-channels", 3);

        var definitions = await GetJsonAsync("api/definitions");

        var topic = definitions["topic_permissions"]!.AsArray().Single(p => p!["user"]!.GetValue<string>() == user)!;
        Assert.That((topic["vhost"]!.GetValue<string>(), topic["exchange"]!.GetValue<string>(), topic["write"]!.GetValue<string>()), Is.EqualTo((virtualHost, "amq.topic", "^a")));
        var parameter = definitions["parameters"]!.AsArray().Single(p => p!["vhost"]!.GetValue<string>() == virtualHost)!;
        Assert.That((parameter["component"]!.GetValue<string>(), parameter["name"]!.GetValue<string>(), parameter["value"]!["max-queues"]!.GetValue<long>()),
            Is.EqualTo(("vhost-limits", "limits", 7L)));
        var exported = definitions["users"]!.AsArray().Single(u => u!["name"]!.GetValue<string>() == user)!;
        Assert.That(exported["limits"]!["max-channels"]!.GetValue<long>(), Is.EqualTo(3));
    }

    [Test]
    public async Task Imported_topic_permissions_and_limits_take_effect()
    {
        var (virtualHost, user) = await CreateVirtualHostAndUserAsync();
        var file = new JsonObject
        {
            ["topic_permissions"] = new JsonArray(new JsonObject { ["user"] = user, ["vhost"] = virtualHost, ["exchange"] = "amq.topic", ["write"] = "^ok$", ["read"] = ".*" }),
            ["parameters"] = new JsonArray(new JsonObject
            {
                ["value"] = new JsonObject { ["max-connections"] = 5 },
                ["vhost"] = virtualHost,
                ["component"] = "vhost-limits",
                ["name"] = "limits",
            }),
        };

        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, "api/definitions", file);

        var limits = (await GetJsonAsync($"api/vhost-limits/{Segment(virtualHost)}")).AsArray().Single()!;
        Assert.That(limits["value"]!["max-connections"]!.GetValue<long>(), Is.EqualTo(5));
        var channel = await (await ConnectAsAsync(user, virtualHost)).CreateChannelAsync(ConfirmOptions);
        await ExpectClosedAsync(async () => await channel.BasicPublishAsync("amq.topic", "not-ok", "x"u8.ToArray()), 403,
            $"ACCESS_REFUSED - {Refused("write")}access to topic 'not-ok' in exchange 'amq.topic' in vhost '{virtualHost}' refused for user '{user}'");
    }

    private Task<ApiResponse> PutTopicPermissionAsync(string virtualHost, string user, string exchange, string write, string read) =>
        ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/topic-permissions/{Segment(virtualHost)}/{Segment(user)}", Body(exchange, write, read));

    private static JsonObject Body(string exchange, string write, string read) => new() { ["exchange"] = exchange, ["write"] = write, ["read"] = read };
}
