namespace AmqpBroker.InteropTests.Management;

/// <summary>/api/policies: set, read, list, delete, and the policy taking effect on matching queues.</summary>
public sealed class PolicyEndpointTests : ManagementTestBase
{
    [Test]
    public async Task A_policy_applies_to_matching_queues_and_goes_with_its_deletion()
    {
        var prefix = UniqueName("pol");
        var policyName = prefix + "-limit";
        var path = $"api/policies/%2F/{Segment(policyName)}";
        var channel = await OpenChannelAsync();
        var queue = Track(prefix + "-q");
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false);

        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, path, new JsonObject
        {
            ["pattern"] = "^" + System.Text.RegularExpressions.Regex.Escape(prefix),
            ["definition"] = new JsonObject { ["max-length"] = 2 },
            ["priority"] = 3,
            ["apply-to"] = "queues",
        });
        try
        {
            var policy = await GetJsonAsync(path);
            Assert.That((policy["apply-to"]!.GetValue<string>(), policy["priority"]!.GetValue<int>(), policy["definition"]!["max-length"]!.GetValue<long>()), Is.EqualTo(("queues", 3, 2L)));
            Assert.That((await GetJsonAsync("api/policies/%2F")).AsArray().Select(p => p!["name"]!.GetValue<string>()), Does.Contain(policyName));
            Assert.That((await GetJsonAsync("api/policies")).AsArray().Select(p => p!["name"]!.GetValue<string>()), Does.Contain(policyName));

            var shown = await EventuallyJsonAsync($"api/queues/%2F/{Segment(queue)}", q => q["policy"]?.GetValue<string>() == policyName, "the queue shows its policy");
            Assert.That(shown["effective_policy_definition"]!["max-length"]!.GetValue<long>(), Is.EqualTo(2));
            await PublishAsync(channel, queue, "1", "2", "3");
            await EventuallyJsonAsync($"api/queues/%2F/{Segment(queue)}", q => q["messages_ready"]?.GetValue<long>() == 2, "the policy's max-length dropped the oldest");
        }
        finally
        {
            await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, path);
        }

        AssertError(await SendAsync(HttpMethod.Get, path), HttpStatusCode.NotFound, "Object Not Found");
        AssertError(await SendAsync(HttpMethod.Delete, path), HttpStatusCode.NotFound, "Object Not Found");
        await EventuallyJsonAsync($"api/queues/%2F/{Segment(queue)}", q => q["policy"] is null || q["policy"]!.GetValueKind() == System.Text.Json.JsonValueKind.Null, "the policy no longer applies");
    }

    [Test]
    public async Task Invalid_policies_are_refused_with_RabbitMQs_reasons()
    {
        var path = $"api/policies/%2F/{UniqueName("pol")}";
        AssertError(await SendAsync(HttpMethod.Put, path, new JsonObject { ["pattern"] = ".*", ["definition"] = new JsonObject { ["message-ttl"] = -1 } }),
            HttpStatusCode.BadRequest, "bad_request", "Validation failed");
        AssertError(await SendAsync(HttpMethod.Put, path, new JsonObject { ["definition"] = new JsonObject { ["message-ttl"] = 1 } }), HttpStatusCode.BadRequest, "bad_request", "pattern");
        AssertError(await SendAsync(HttpMethod.Put, path, new JsonObject { ["pattern"] = ".*" }), HttpStatusCode.BadRequest, "bad_request", "definition");
        AssertError(await SendAsync(HttpMethod.Put, path, new JsonObject { ["pattern"] = ".*", ["definition"] = new JsonObject { ["max-length"] = 1 }, ["apply-to"] = "bogus" }),
            HttpStatusCode.BadRequest, "bad_request", "apply-to 'bogus' unrecognised");
        AssertError(await SendAsync(HttpMethod.Put, $"api/policies/nosuch-{Guid.NewGuid():N}/p", new JsonObject { ["pattern"] = ".*", ["definition"] = new JsonObject { ["max-length"] = 1 } }),
            HttpStatusCode.NotFound, "not_found", "vhost_not_found");
    }

    /// <summary>
    /// rabbit_policy:validate0 prints the unknown keys with <c>"~p are not recognised policy settings"</c> (~tp from 3.13):
    /// Erlang breaks the list past column 78, one key a line, and a key whose value still does not fit after the key
    /// (RabbitMQ 3.10.8 answered these; checked with OTP 25's erl).
    /// </summary>
    [TestCase(
        """{"foo-setting":1,"bar-setting-long-name":"abcdefgh","baz":true,"max-length":1}""",
        "[{<<\"bar-setting-long-name\">>,<<\"abcdefgh\">>},\n {<<\"baz\">>,true},\n {<<\"foo-setting\">>,1}]")]
    [TestCase(
        """{"foo-setting":1,"bar-setting-long-name":"abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz"}""",
        "[{<<\"bar-setting-long-name\">>,\n  <<\"abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\">>},\n {<<\"foo-setting\">>,1}]")]
    public async Task Unknown_keys_are_listed_as_erlang_breaks_a_long_list(string definition, string terms)
    {
        var response = await SendAsync(HttpMethod.Put, $"api/policies/%2F/{Segment(UniqueName("pol"))}", $$"""{"pattern":"^zz-none","definition":{{definition}}}""");

        AssertValidationFailed(response, terms + " are not recognised policy settings");
    }

    [Test]
    public async Task Only_policymakers_and_administrators_may_change_policies()
    {
        var (management, password) = await CreateUserAsync("management");
        var (policymaker, policymakerPassword) = await CreateUserAsync("policymaker");
        var path = $"api/policies/%2F/{UniqueName("pol")}";
        var body = new JsonObject { ["pattern"] = "^nothing-matches-this$", ["definition"] = new JsonObject { ["max-length"] = 1 } };

        AssertError(await SendAsync(HttpMethod.Put, path, body, CreateClient(management, password)), HttpStatusCode.Unauthorized, "not_authorised");
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, path, body.DeepClone(), CreateClient(policymaker, policymakerPassword));
        await GetJsonAsync("api/policies/%2F", CreateClient(management, password));
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, path, client: CreateClient(policymaker, policymakerPassword));
    }
}
