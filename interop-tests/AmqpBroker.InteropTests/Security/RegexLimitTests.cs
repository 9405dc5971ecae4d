namespace AmqpBroker.InteropTests.Security;

/// <summary>
/// RabbitMQ's limits on the regular expressions of policies and permissions (deps/rabbit_common/src/rabbit_re.erl,
/// commit e5846514b1, tagged v4.2.8 and v4.3.2): from 4.2.8 a pattern over 1024 bytes is refused when set
/// (rabbit_parameter_validation:regex: "pattern must not exceed 1024 bytes"; rabbit_auth_backend_internal:
/// set_permissions and set_topic_permissions: <c>{invalid_regexp, Pattern, pattern_too_long}</c>). In every release a
/// match that backtracks past the match limit is no match: the policy does not apply and access is refused (3.10.8:
/// PCRE's default limit, re:run's nomatch; 4.2.8: rabbit_re's lower one). A topic permission's variables are escaped
/// from 4.2.4. The 3.10 cases also run against 3.10.8.
/// </summary>
[Releases("3.10", "4.2")]
public sealed class RegexLimitTests : SecurityEndpointTestBase
{
    private static readonly string LongPattern = new('x', 1025);

    [Test]
    public async Task A_policy_pattern_over_1024_bytes_is_refused_from_4_2_8()
    {
        var (virtualHost, _) = await CreateVirtualHostAndUserAsync();
        var path = $"api/policies/{Segment(virtualHost)}/long";

        var response = await SendAsync(HttpMethod.Put, path, Policy(LongPattern));

        if (Profile.CoreRegexLimited)
        {
            AssertError(response, HttpStatusCode.BadRequest, "bad_request", "Validation failed\n\npattern must not exceed 1024 bytes\n");
            return;
        }

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Created), response.Body);
        Assert.That((await GetJsonAsync(path))["pattern"]!.GetValue<string>(), Is.EqualTo(LongPattern));
    }

    [TestCase("permissions")]
    [TestCase("topic-permissions")]
    public async Task A_permission_pattern_over_1024_bytes_is_refused_from_4_2_8(string kind)
    {
        var (virtualHost, user) = await CreateVirtualHostAndUserAsync();
        var body = new JsonObject { ["exchange"] = "amq.topic", ["configure"] = ".*", ["write"] = LongPattern, ["read"] = ".*" };

        var response = await SendAsync(HttpMethod.Put, $"api/{kind}/{Segment(virtualHost)}/{Segment(user)}", body);

        if (Profile.CoreRegexLimited)
        {
            AssertError(response, HttpStatusCode.BadRequest, "bad_request", "pattern_too_long");
            return;
        }

        // The user already has permissions on the vhost (replaced: 204), but no topic permission yet (201).
        Assert.That(response.Status, Is.EqualTo(kind == "permissions" ? HttpStatusCode.NoContent : HttpStatusCode.Created), response.Body);
    }

    [Test]
    public async Task A_policy_pattern_match_past_the_match_limit_does_not_apply()
    {
        var (virtualHost, _) = await CreateVirtualHostAndUserAsync();
        var (runaway, plain) = ($"q-{new string('a', 40)}!", "q-aa");
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/policies/{Segment(virtualHost)}/runaway", Policy("^q-(a|aa)+$"));

        foreach (var queue in new[] { runaway, plain })
        {
            await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/queues/{Segment(virtualHost)}/{Segment(queue)}", new JsonObject { ["auto_delete"] = false });
        }

        var applied = await EventuallyJsonAsync($"api/queues/{Segment(virtualHost)}/{Segment(plain)}", json => json["policy"] is not null, "the policy on the plain queue");
        Assert.That(applied["policy"]!.GetValue<string>(), Is.EqualTo("runaway"));
        Assert.That((await GetJsonAsync($"api/queues/{Segment(virtualHost)}/{Segment(runaway)}"))["policy"], Is.Null);
    }

    [Test]
    public async Task A_permission_match_past_the_match_limit_refuses_access()
    {
        var (virtualHost, user) = await CreateVirtualHostAndUserAsync();
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"api/permissions/{Segment(virtualHost)}/{Segment(user)}",
            new JsonObject { ["configure"] = "^q-(a|aa)+$", ["write"] = ".*", ["read"] = ".*" });
        var channel = await (await ConnectAsAsync(user, virtualHost)).CreateChannelAsync();
        var runaway = $"q-{new string('a', 40)}!";

        await channel.QueueDeclareAsync("q-aa", durable: false, exclusive: true, autoDelete: false);
        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(runaway, durable: false, exclusive: true, autoDelete: false),
            403,
            $"ACCESS_REFUSED - {Refused("configure")}access to queue '{runaway}' in vhost '{virtualHost}' refused for user '{user}'");
    }

    /// <summary>
    /// <c>{username}</c> in a topic permission: as it is in 3.10.8, so a dot in the name matches any character (checked);
    /// escaped from 4.2.4 (release-notes/4.2.4.md, #15442), so it matches a dot only.
    /// </summary>
    [Test]
    public async Task A_user_name_in_a_topic_permission_is_a_pattern_in_3_10_and_literal_from_4_2_4()
    {
        var (virtualHost, _) = await CreateVirtualHostAndUserAsync();
        var id = Guid.NewGuid().ToString("N")[..12];
        var user = TrackUser($"re.{id}");
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/users/{Segment(user)}", new JsonObject { ["password"] = Password, ["tags"] = "" });
        await SetPermissionsAsync(user, virtualHost);
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/topic-permissions/{Segment(virtualHost)}/{Segment(user)}",
            new JsonObject { ["exchange"] = "amq.topic", ["write"] = "^{username}$", ["read"] = ".*" });
        var channel = await (await ConnectAsAsync(user, virtualHost)).CreateChannelAsync(ConfirmOptions);

        await channel.BasicPublishAsync("amq.topic", user, "x"u8.ToArray());
        var lookalike = $"rex{id}";
        if (!Profile.TopicPermissionVariablesEscaped)
        {
            await channel.BasicPublishAsync("amq.topic", lookalike, "x"u8.ToArray());
            Assert.That(channel.IsOpen, Is.True);
            return;
        }

        await ExpectClosedAsync(
            async () => await channel.BasicPublishAsync("amq.topic", lookalike, "x"u8.ToArray()),
            403,
            $"ACCESS_REFUSED - {Refused("write")}access to topic '{lookalike}' in exchange 'amq.topic' in vhost '{virtualHost}' refused for user '{user}'");
    }

    private static JsonObject Policy(string pattern) => new()
    {
        ["pattern"] = pattern,
        ["apply-to"] = "queues",
        ["definition"] = new JsonObject { ["max-length"] = 10 },
    };
}
