using AmqpBroker.Core.Profiles;

namespace AmqpBroker.InteropTests.Management;

/// <summary>
/// What RabbitMQ's 4.2.x patch releases changed in the management API, per release: GET /api/auth, answered without
/// credentials until 4.2.6 removed it (release-notes/4.2.6.md, #16083); the versions /api/nodes reports from 4.2.4
/// (release-notes/4.2.4.md, #15454 and #15468); the limits of the regular expression name filter
/// (release-notes/4.2.6.md, #16074); a queue's policy fields, which 4.2.5 (#15651) and 4.2.6 (#16017) changed only for
/// answers without statistics. The 3.10 expectations are checked against RabbitMQ 3.10.8.
/// </summary>
[Releases("3.10", "3.13", "4.1", "4.2", "4.3")]
public sealed class PatchReleaseApiTests : ManagementTestBase
{
    private static readonly string[] NodeVersionFields = ["rabbitmq_version", "erlang_version", "erlang_full_version", "crypto_lib_version"];

    /// <summary>
    /// 3.10.8 answers the UAA fields (checked), 3.11 to 4.2.5 <c>oauth_enabled</c> (rabbit_mgmt_wm_auth:authSettings at
    /// v3.13.7 and v4.2.5), both to anyone; from 4.2.6 the path is unknown, 404 as any other.
    /// </summary>
    [Test]
    public async Task Auth_settings_are_answered_without_credentials_until_removed()
    {
        if (Profile.AuthSettingsEndpoint == AuthSettingsEndpoint.Removed)
        {
            AssertError(await SendAsync(HttpMethod.Get, "api/auth"), HttpStatusCode.NotFound, "Object Not Found", "Not Found");
            return;
        }

        var response = await SendAsync(HttpMethod.Get, "api/auth", client: CreateClient(null));

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK), response.Body);
        Assert.That(response.ContentType, Is.EqualTo("application/json"));
        Assert.That(response.Body, Is.EqualTo(Profile.AuthSettingsEndpoint == AuthSettingsEndpoint.UaaFields
            ? """{"enable_uaa":false,"uaa_client_id":"","uaa_location":""}"""
            : """{"oauth_enabled":false}"""));
        Assert.That((await SendAsync(HttpMethod.Post, "api/auth", client: CreateClient(null))).Status, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
    }

    /// <summary>
    /// From 4.2.4 a node reports the RabbitMQ, runtime and crypto library versions (rabbit_mgmt_external_stats at v4.2.4);
    /// 3.10.8 none of them. The overview reports the runtime's in every release (rabbit_mgmt_wm_overview; 3.10.8 checked).
    /// </summary>
    [Test]
    public async Task Nodes_report_versions_from_4_2_4()
    {
        var overview = await GetJsonAsync("api/overview");
        Assert.That(new[] { "erlang_version", "erlang_full_version" }.Select(field => overview[field]?.GetValue<string>()), Has.All.Not.Null.And.Not.Empty);
        var node = (await GetJsonAsync("api/nodes"))[0]!.AsObject();

        if (!Profile.NodeVersionFields)
        {
            Assert.That(NodeVersionFields.Where(node.ContainsKey), Is.Empty);
            return;
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(node["rabbitmq_version"]!.GetValue<string>(), Is.EqualTo(Profile.ReportedVersion));
            Assert.That(node["erlang_version"]!.GetValue<string>(), Is.Not.Empty);
            Assert.That(node["erlang_full_version"]!.GetValue<string>(), Is.Not.Empty);
            Assert.That(node.ContainsKey("crypto_lib_version"), Is.True);
        }
    }

    /// <summary>
    /// A regular expression that backtracks past the match limit matches nothing and the page is still answered (3.10.8:
    /// PCRE's match limit, re:run answers nomatch; 4.2.6: a lower limit, {error, _} taken as no match).
    /// </summary>
    [Test]
    public async Task A_runaway_name_regex_matches_nothing()
    {
        var prefix = $"patch-{Guid.NewGuid():N}";
        var runaway = $"{prefix}-{new string('a', 40)}!";
        var plain = $"{prefix}-aa";
        foreach (var name in new[] { runaway, plain })
        {
            await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/queues/%2F/{Segment(name)}", new JsonObject { ["auto_delete"] = false });
            Track(queue: name);
        }

        var regex = $"^{prefix}-(a|aa)+$";
        var page = await GetJsonAsync($"api/queues/%2F?page=1&page_size=500&use_regex=true&columns=name&name={Segment(regex)}");

        Assert.That(page["items"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()), Is.EqualTo(new[] { plain }));
    }

    /// <summary>From 4.2.6 a regular expression name filter over 1024 bytes is a 400 (rabbit_mgmt_util:validate_name_filter); 3.10.8 runs it.</summary>
    [Test]
    public async Task A_name_regex_over_1024_bytes()
    {
        var path = $"api/queues/%2F?page=1&use_regex=true&name={new string('x', 1025)}";

        if (Profile.NameFilterRegexLimited)
        {
            AssertError(await SendAsync(HttpMethod.Get, path), HttpStatusCode.BadRequest, "invalid_pagination_parameters", "name filter regex is too long");
            return;
        }

        var page = await GetJsonAsync(path);
        Assert.That(page["filtered_count"]!.GetValue<int>(), Is.Zero);
    }

    /// <summary>
    /// A queue without a policy shows <c>policy</c> and <c>operator_policy</c> null and <c>effective_policy_definition</c>
    /// <c>{}</c> in every release while statistics are collected (3.10.8 checked; rabbit_mgmt_format:format_queue_stats
    /// turns the queue's <c>[]</c> into <c>{}</c> at v4.2.5). What 4.2.5 and 4.2.6 changed (the fields, and <c>{}</c> instead
    /// of <c>[]</c>) concerns <c>management.disable_stats</c> answers (rabbit_queue_type:format with
    /// management_stats_disabled, rabbit_mgmt_only_http_SUITE), a mode this broker does not have.
    /// </summary>
    [TestCase("classic")]
    [TestCase("quorum")]
    [TestCase("stream")]
    public async Task A_queue_without_policy_has_an_empty_effective_definition(string type)
    {
        var queue = Track($"patch-{type}-{Guid.NewGuid():N}");
        var arguments = new JsonObject { ["x-queue-type"] = type };
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/queues/%2F/{Segment(queue)}", new JsonObject { ["durable"] = true, ["arguments"] = arguments });

        // RabbitMQ's quorum and stream statistics arrive a moment after the declare.
        var shown = await EventuallyJsonAsync($"api/queues/%2F/{Segment(queue)}", q => q["effective_policy_definition"] is not null, "the queue's policy fields are shown");
        var listed = (await GetJsonAsync($"api/queues/%2F?page=1&name={Segment(queue)}"))["items"]![0]!;

        foreach (var json in new[] { shown.AsObject(), listed.AsObject() })
        {
            using (Assert.EnterMultipleScope())
            {
                Assert.That(json.ContainsKey("policy") && json["policy"] is null, Is.True, json.ToJsonString());
                Assert.That(json.ContainsKey("operator_policy") && json["operator_policy"] is null, Is.True, json.ToJsonString());
                Assert.That(json["effective_policy_definition"]?.ToJsonString(), Is.EqualTo("{}"));
            }
        }
    }
}
