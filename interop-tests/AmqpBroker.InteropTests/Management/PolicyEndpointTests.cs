using AmqpBroker.Core.Profiles;

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

    /// <summary>
    /// Keys some releases add (rabbit_policies:validate_policy0): queue-version on every release (values 1 and 2),
    /// stream-filter-size-bytes from 3.13.0 (commit 86479670cf, 16 to 255), consumer-disconnected-timeout from 4.3.0
    /// (commit d56a4e676d). A release that does not know a key lists it as not recognised (checked against 3.10.8).
    /// </summary>
    [TestCase("queue-version", "2", 3, 10, null)]
    [TestCase("queue-version", "3", 3, 10, "3 is not a valid queue-version value")]
    [TestCase("queue-version", "\"2\"", 3, 10, "<<\"2\">> is not a valid queue-version value")]
    [TestCase("stream-filter-size-bytes", "20", 3, 13, null)]
    [TestCase("stream-filter-size-bytes", "300", 3, 13, "300 is not a valid filter size. Valid range is 16-255")]
    [TestCase("consumer-disconnected-timeout", "5000", 4, 3, null)]
    [TestCase("consumer-disconnected-timeout", "-1", 4, 3, "-1 is not a valid consumer disconnected timeout")]
    public async Task Keys_are_known_from_the_release_that_adds_them(string key, string value, int major, int minor, string? refusal)
    {
        var path = $"api/policies/%2F/{UniqueName("pol")}";
        var body = new JsonObject { ["pattern"] = "^nothing-matches-this$", ["definition"] = new JsonObject { [key] = JsonNode.Parse(value) } };

        var answer = await SendAsync(HttpMethod.Put, path, body);

        var known = Profile.Release >= new RabbitMqRelease(major, minor);
        var term = JsonNode.Parse(value)!.GetValueKind() == System.Text.Json.JsonValueKind.String ? $"<<{value}>>" : value;
        if (!known || refusal is not null)
        {
            var why = known ? refusal : $"[{{<<\"{key}\">>,{term}}}] are not recognised policy settings";
            why = Profile.ValidationReasonsHtmlEscaped ? why!.Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal) : why;
            AssertError(answer, HttpStatusCode.BadRequest, "bad_request", $"Validation failed\n\n{why}\n");
        }
        else
        {
            Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.Created), answer.Body);
            await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, path);
        }
    }

    /// <summary>
    /// rabbit_mgmt_wm_policies and rabbit_mgmt_wm_operator_policies answer reply_list(..., ["priority"], ...): lowest
    /// priority first when the request names no sort (checked against RabbitMQ 3.10.8).
    /// </summary>
    [TestCase("policies")]
    [TestCase("operator-policies")]
    public async Task Listings_are_sorted_by_priority(string resource)
    {
        var virtualHost = TrackVirtualHost(UniqueName("polsort"));
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/vhosts/{Segment(virtualHost)}");
        foreach (var (name, priority) in new[] { ("a", 5), ("b", 1), ("c", 3) })
        {
            var body = new JsonObject { ["pattern"] = "^x$", ["priority"] = priority, ["definition"] = new JsonObject { ["expires"] = 1000 } };
            await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/{resource}/{Segment(virtualHost)}/{name}", body);
        }

        var listed = (await GetJsonAsync($"api/{resource}/{Segment(virtualHost)}")).AsArray();

        Assert.That(listed.Select(p => p!["name"]!.GetValue<string>()), Is.EqualTo(new[] { "b", "c", "a" }));
    }
}
