namespace AmqpBroker.InteropTests.Management;

/// <summary>
/// GET /api/queues with <c>disable_stats=true</c>, with and without <c>enable_queue_totals=true</c> (what the management
/// UI sends), as RabbitMQ 3.10.8 answers it (rabbit_mgmt_wm_queues:basic at v3.10.8; checked, and run against it with
/// <c>MANAGEMENT_URI</c>): no statistics, per queue type the fields below. Later releases answer otherwise and are not
/// modelled (<see cref="Core.Profiles.VersionProfile.QueueStatsCanBeDisabled"/>).
/// </summary>
[Releases("3.10")]
public sealed class QueueListWithoutStatsTests : ManagementTestBase
{
    [Test]
    public async Task Queues_are_listed_without_statistics_with_or_without_totals()
    {
        var (virtualHost, node) = await CreateQueuesAsync();

        var totals = await ListAsync(virtualHost, "disable_stats=true&enable_queue_totals=true");
        var plain = await ListAsync(virtualHost, "disable_stats=true");

        using (Assert.EnterMultipleScope())
        {
            AssertJson(totals["c"], Classic(virtualHost, node, "running", policy: true, messages: 1));
            AssertJson(totals["q"], Quorum(virtualHost, node, "running", exclusive: null, messages: 0));
            AssertJson(totals["s"], Stream(virtualHost, "running", exclusive: null, extra: new() { ["totals"] = null, ["type_specific"] = null }));
            AssertJson(plain["c"], Classic(virtualHost, node, "live", policy: true));
            AssertJson(plain["q"], Quorum(virtualHost, node, "live", exclusive: false));
            AssertJson(plain["s"], Stream(virtualHost, "live", exclusive: false, extra: new() { ["node"] = node }));
            AssertJson(await GetJsonAsync($"api/queues/{Segment(virtualHost)}/c?disable_stats=true&enable_queue_totals=true"), Classic(virtualHost, node, "live", policy: false));
        }
    }

    /// <summary>A vhost with a classic queue <c>c</c> (a policy, one message), a quorum queue <c>q</c> and a stream <c>s</c>.</summary>
    private async Task<(string VirtualHost, string Node)> CreateQueuesAsync()
    {
        var virtualHost = TrackVirtualHost(UniqueName("vhost"));
        var path = Segment(virtualHost);
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/vhosts/{path}");
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/policies/{path}/limit",
            new JsonObject { ["pattern"] = "^c$", ["apply-to"] = "queues", ["definition"] = new JsonObject { ["max-length"] = 100 } });
        foreach (var (name, type) in new[] { ("c", "classic"), ("q", "quorum"), ("s", "stream") })
        {
            await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/queues/{path}/{name}",
                new JsonObject { ["durable"] = true, ["arguments"] = new JsonObject { ["x-queue-type"] = type } });
        }

        var overview = await GetJsonAsync("api/overview");
        await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/exchanges/{path}/amq.default/publish",
            new JsonObject { ["properties"] = new JsonObject(), ["routing_key"] = "c", ["payload"] = "x", ["payload_encoding"] = "string" });
        return (virtualHost, overview["node"]!.GetValue<string>());
    }

    private async Task<Dictionary<string, JsonNode>> ListAsync(string virtualHost, string query) =>
        (await GetJsonAsync($"api/queues/{Segment(virtualHost)}?{query}")).AsArray().ToDictionary(q => q!["name"]!.GetValue<string>(), q => q!);

    /// <summary>The fields every queue type has: its definition, type and state.</summary>
    private static JsonObject Common(string virtualHost, string name, string type, string state, bool? exclusive)
    {
        var json = JsonNode.Parse($$"""{"arguments":{"x-queue-type":"{{type}}"},"auto_delete":false,"durable":true,"name":"{{name}}","state":"{{state}}","type":"{{type}}"}""")!.AsObject();
        json["exclusive"] = exclusive;
        json["vhost"] = virtualHost;
        return json;
    }

    private static JsonObject Classic(string virtualHost, string node, string state, bool policy, long? messages = null)
    {
        var json = Common(virtualHost, "c", "classic", state, exclusive: false);
        json["node"] = node;
        if (policy)
        {
            json["policy"] = "limit";
        }

        return WithMessages(json, messages);
    }

    private static JsonObject Quorum(string virtualHost, string node, string state, bool? exclusive, long? messages = null)
    {
        var json = Common(virtualHost, "q", "quorum", state, exclusive);
        json["leader"] = node;
        json["members"] = new JsonArray(node);
        json["online"] = new JsonArray(node);
        return WithMessages(json, messages);
    }

    private static JsonObject Stream(string virtualHost, string state, bool? exclusive, Dictionary<string, JsonNode?> extra)
    {
        var json = Common(virtualHost, "s", "stream", state, exclusive);
        foreach (var (key, value) in extra)
        {
            json[key] = value;
        }

        return json;
    }

    private static JsonObject WithMessages(JsonObject json, long? messages)
    {
        if (messages is { } count)
        {
            json["messages"] = count;
            json["messages_ready"] = count;
            json["messages_unacknowledged"] = 0;
        }

        return json;
    }

    private static void AssertJson(JsonNode? actual, JsonObject expected) =>
        Assert.That(JsonNode.DeepEquals(Sorted(actual), Sorted(expected)), Is.True, $"expected {Sorted(expected)?.ToJsonString()}, got {Sorted(actual)?.ToJsonString()}");

    /// <summary>The object with its keys in order, so that comparing ignores the order.</summary>
    private static JsonNode? Sorted(JsonNode? node) => node is JsonObject json
        ? new JsonObject(json.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())))
        : node;
}
