using AmqpBroker.Core.Profiles;

namespace AmqpBroker.InteropTests.Management;

/// <summary>
/// What RabbitMQ's 4.2.x patch releases changed in the management API, per release: GET /api/auth, answered without
/// credentials until 4.2.6 removed it (release-notes/4.2.6.md, #16083); the versions /api/nodes reports from 4.2.4
/// (release-notes/4.2.4.md, #15454 and #15468); the limits of the regular expression name filter
/// (release-notes/4.2.6.md, #16074). The 3.10 expectations are checked against RabbitMQ 3.10.8.
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
    }

    /// <summary>From 4.2.4 a node reports the RabbitMQ, runtime and crypto library versions (rabbit_mgmt_external_stats at v4.2.4); 3.10.8 none of them.</summary>
    [Test]
    public async Task Nodes_report_versions_from_4_2_4()
    {
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
}
