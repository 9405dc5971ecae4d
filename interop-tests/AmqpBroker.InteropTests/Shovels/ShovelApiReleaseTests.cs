using AmqpBroker.Core.Profiles;

namespace AmqpBroker.InteropTests.Shovels;

/// <summary>
/// What the shovel API answers differently per release, checked on each profile and, for 3.10, against RabbitMQ 3.10.8
/// at <c>AMQP_URI</c>: <c>GET /api/shovels/vhost/{vhost}/{name}</c> (3.10.8: every status of the vhost,
/// rabbit_shovel_mgmt:to_json; 3.13.7+: the parameter, release-notes/3.13.7.md #12040; 4.3.5: its URIs without
/// credentials, release-notes/4.3.5.md #17134); status URIs without credentials or query string on every release
/// (amqp_uri:remove_credentials); a shovel that cannot connect (3.10.8: <c>starting</c>; 3.13.2–4.1: not listed,
/// release-notes/3.13.2.md #11101; 4.2.0+: <c>terminated</c>, rabbit_shovel_worker:terminate at v4.2.0, commit
/// cb47abc110) and its deletion (3.13.3+: also without a status, #11324; 4.2.6+: by policymakers, not monitoring users,
/// release-notes/4.2.6.md #16051); and validation reasons HTML-escaped by 3.10–4.1 (rabbit_mgmt_wm_parameter,
/// rabbit_mgmt_wm_policy; dropped in 4.2.0 by commit 5f5bf81e40).
/// </summary>
[Releases("3.10", "3.13", "4.1", "4.2", "4.3")]
public sealed class ShovelApiReleaseTests : ManagementTestBase
{
    [Test]
    public async Task One_shovel_is_answered_as_the_release_answers_it_and_statuses_show_uris_without_secrets()
    {
        var virtualHost = TrackVirtualHost(UniqueName("shovels"));
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/vhosts/{Segment(virtualHost)}");
        var uri = $"amqp://guest:guest@127.0.0.1:{AmqpUri.Port}/{Segment(virtualHost)}?heartbeat=10";
        var bare = $"amqp://127.0.0.1:{AmqpUri.Port}/{Segment(virtualHost)}";
        var (first, second) = (UniqueName("first"), UniqueName("second"));
        foreach (var name in (string[])[first, second])
        {
            var value = new JsonObject { ["src-uri"] = uri, ["src-queue"] = name, ["dest-uri"] = new JsonArray(uri), ["dest-queue"] = name + "-moved" };
            await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/parameters/shovel/{Segment(virtualHost)}/{name}", new JsonObject { ["value"] = value });
        }

        var statuses = await EventuallyJsonAsync($"api/shovels/{Segment(virtualHost)}", l => l.AsArray().Count(s => s!["state"]!.GetValue<string>() == "running") == 2, "both shovels to run");
        Assert.That(statuses.AsArray().Select(s => (s!["src_uri"]!.GetValue<string>(), s["dest_uri"]!.GetValue<string>())), Is.All.EqualTo((bare, bare)));

        var answer = await GetJsonAsync($"api/shovels/vhost/{Segment(virtualHost)}/{first}");
        if (!Profile.ShovelApiAnswersParameter)
        {
            Assert.That(answer.AsArray().Select(s => s!["name"]!.GetValue<string>()), Is.EquivalentTo(new[] { first, second }), "3.10.8 answers every status of the vhost");
        }
        else
        {
            Assert.That((answer["component"]!.GetValue<string>(), answer["vhost"]!.GetValue<string>(), answer["name"]!.GetValue<string>()), Is.EqualTo(("shovel", virtualHost, first)));
            var shown = Profile.ShovelApiRedactsUris ? bare : uri;
            Assert.That(answer["value"]!["src-uri"]!.GetValue<string>(), Is.EqualTo(shown));
            Assert.That(answer["value"]!["dest-uri"]!.AsArray().Single()!.GetValue<string>(), Is.EqualTo(shown));
        }

        await ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/shovels/vhost/{Segment(virtualHost)}/{UniqueName("none")}");
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/parameters/shovel/{Segment(virtualHost)}/{first}");
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/parameters/shovel/{Segment(virtualHost)}/{second}");
    }

    /// <summary>A refused connection and refused credentials fail alike (checked against RabbitMQ 3.10.8: both <c>starting</c>).</summary>
    [TestCase(false)]
    [TestCase(true)]
    public async Task A_shovel_that_cannot_connect_shows_between_attempts_what_its_release_shows(bool wrongPassword)
    {
        var name = UniqueName("away");
        var destination = wrongPassword ? $"amqp://guest:wrong@{AmqpUri.Host}:{AmqpUri.Port}" : "amqp://guest:guest@127.0.0.1:1";
        var value = new JsonObject
        {
            ["src-uri"] = "amqp://", ["src-queue"] = Track(UniqueName("src")), ["dest-uri"] = destination, ["dest-queue"] = "x", ["reconnect-delay"] = 1,
        };
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/parameters/shovel/%2F/{name}", new JsonObject { ["value"] = value });
        switch (Profile.ShovelConnectFailureStatus)
        {
            case ShovelConnectFailureStatus.Terminated:
                var terminated = await ShovelRig.WaitForStateAsync(Http, name, "terminated", Timeout);
                Assert.That(terminated["reason"]!.GetValue<string>(), Is.EqualTo("\"failed to connect to destination\""), "an Erlang string, as ~tp prints it");
                break;
            case ShovelConnectFailureStatus.Unlisted:
                await ShovelRig.WaitUntilAsync(async () => await ShovelRig.StatusAsync(Http, name) is null, "the shovel to drop its status", Timeout);
                break;
            default:
                await Task.Delay(TimeSpan.FromSeconds(2.5));
                Assert.That((await ShovelRig.StatusAsync(Http, name))?["state"]?.GetValue<string>(), Is.EqualTo("starting"), "3.10.8 keeps it starting while it retries");
                break;
        }

        // Deleted through the shovel API, listed or not (3.13.3+, #11324); then gone, which 3.13.3+ still answers with 204.
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/shovels/vhost/%2F/{name}");
        await ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/parameters/shovel/%2F/{name}");
        var again = Profile.ShovelApiDeletesUnlisted ? HttpStatusCode.NoContent : HttpStatusCode.NotFound;
        await ExpectAsync(again, HttpMethod.Delete, $"api/shovels/vhost/%2F/{name}");
    }

    /// <summary>
    /// Deleting or restarting a shovel needs monitoring (rabbit_shovel_mgmt:is_authorized at v3.10.8: is_authorized_monitor)
    /// until 4.2.6 and 4.3.0, which ask for policymaker (rabbit_shovel_mgmt_shovel:is_authorized at v4.2.9 and v4.3.5:
    /// is_authorized_policies for DELETE); the tag is checked before the shovel is looked up.
    /// </summary>
    [Test]
    public async Task Deleting_a_shovel_needs_the_tag_of_its_release()
    {
        var name = UniqueName("tagged");
        var value = new JsonObject { ["src-uri"] = "amqp://", ["src-queue"] = Track(UniqueName("src")), ["dest-uri"] = "amqp://", ["dest-queue"] = Track(UniqueName("dst")) };
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/parameters/shovel/%2F/{name}", new JsonObject { ["value"] = value });
        await ShovelRig.WaitForStateAsync(Http, name, "running", Timeout);
        var monitoring = await CreateUserAsync("monitoring");
        var policymaker = await CreateUserAsync("policymaker");
        var (monitor, policy) = (CreateClient(monitoring.Name, monitoring.Password), CreateClient(policymaker.Name, policymaker.Password));
        var needsPolicymaker = Profile.ShovelApiDeleteNeedsPolicymaker;

        await ExpectTagAsync(monitor, $"api/shovels/vhost/%2F/{name}/restart", !needsPolicymaker);
        await ShovelRig.WaitForStateAsync(Http, name, "running", Timeout);
        await ExpectTagAsync(policy, $"api/shovels/vhost/%2F/{name}", needsPolicymaker);
        await ExpectTagAsync(monitor, $"api/shovels/vhost/%2F/{name}", !needsPolicymaker);

        await ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/parameters/shovel/%2F/{name}");
    }

    [Test]
    public async Task A_refused_parameter_reason_is_html_escaped_until_4_2()
    {
        var name = UniqueName("bad");
        var value = """{"src-uri":"amqp://","src-queue":"a","dest-uri":"amqp://","dest-queue":"b","x":60}""";

        var response = await SendAsync(HttpMethod.Put, $"api/parameters/shovel/%2F/{name}", $$"""{"value":{{value}}}""");

        AssertError(response, HttpStatusCode.BadRequest, "bad_request");
        Assert.That(response.Json!["reason"]!.GetValue<string>(), Is.EqualTo($"Validation failed\n\nUnrecognised terms [{{{Term("x")},60}}] in {name}\n"));
    }

    [Test]
    public async Task A_refused_policy_reason_is_html_escaped_until_4_2()
    {
        var response = await SendAsync(HttpMethod.Put, $"api/policies/%2F/{UniqueName("policy")}", """{"pattern":"^x","definition":{"bogus":1}}""");

        AssertError(response, HttpStatusCode.BadRequest, "bad_request");
        Assert.That(response.Json!["reason"]!.GetValue<string>(), Is.EqualTo($"Validation failed\n\n[{{{Term("bogus")},1}}] are not recognised policy settings\n"));
    }

    /// <summary>
    /// From 4.0.0 a shovel's <c>src-predeclared</c>/<c>dest-predeclared</c> end is only declared passively
    /// (rabbit_shovel_parameters:src_check_queue and dest_check at v4.0.0): with its queue missing the shovel fails and
    /// creates nothing, and runs once the queue exists; from 4.3.0 <c>src-consumer-name</c> is the source consumer's tag
    /// (release-notes/4.3.0.md). Before, the keys are unknown terms (RabbitMQ 3.10.8 refuses them so).
    /// </summary>
    [Test]
    public async Task A_predeclared_end_is_only_declared_passively_from_4_0()
    {
        var name = UniqueName("predeclared");
        var (source, destination) = (Track(UniqueName("src")), Track(UniqueName("dst")));
        var value = new JsonObject
        {
            ["src-uri"] = "amqp://", ["src-queue"] = source, ["dest-uri"] = "amqp://", ["dest-queue"] = destination,
            ["src-predeclared"] = true, ["reconnect-delay"] = 1,
        };
        if (Profile.ShovelPredeclaredQueues)
        {
            // Not in the refused case: two unknown terms no longer fit one line of ~p, which RabbitMQ then breaks.
            value["dest-predeclared"] = true;
        }

        if (Profile.ShovelConsumerName)
        {
            value["src-consumer-name"] = "mover";
        }

        var response = await SendAsync(HttpMethod.Put, $"api/parameters/shovel/%2F/{name}", new JsonObject { ["value"] = value });
        if (!Profile.ShovelPredeclaredQueues)
        {
            AssertError(response, HttpStatusCode.BadRequest, "bad_request");
            Assert.That(response.Json!["reason"]!.GetValue<string>(), Is.EqualTo($"Validation failed\n\nUnrecognised terms [{{{Term("src-predeclared")},true}}] in {name}\n"));
            return;
        }

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Created), response.Body);
        await ShovelRig.WaitForStateAsync(Http, name, "terminated", Timeout);
        await ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/queues/%2F/{source}");
        await ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/queues/%2F/{destination}");

        foreach (var queue in (string[])[source, destination])
        {
            await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/queues/%2F/{queue}", new JsonObject { ["durable"] = true });
        }

        await ShovelRig.WaitForStateAsync(Http, name, "running", Timeout);
        var consumers = await EventuallyJsonAsync($"api/queues/%2F/{source}", q => q["consumers"]?.GetValue<int>() == 1, "the shovel to consume");
        if (Profile.ShovelConsumerName)
        {
            Assert.That(consumers["consumer_details"]!.AsArray().Single()!["consumer_tag"]!.GetValue<string>(), Is.EqualTo("mover"));
        }

        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/parameters/shovel/%2F/{name}");
    }

    /// <summary>A DELETE by <paramref name="client"/>: 204 when its tag suffices, else RabbitMQ's 401 for the tag the release asks for.</summary>
    private async Task ExpectTagAsync(HttpClient client, string path, bool allowed)
    {
        var response = await SendAsync(HttpMethod.Delete, path, client: client);
        if (allowed)
        {
            Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NoContent), $"DELETE {path}: {response.Body}");
            return;
        }

        AssertError(response, HttpStatusCode.Unauthorized, "not_authorised", Profile.ShovelApiDeleteNeedsPolicymaker ? "User not authorised to access object" : "Not monitor user");
    }

    /// <summary>An Erlang binary as the reason prints it: <c>&lt;&lt;"x"&gt;&gt;</c>, HTML-escaped by 3.10–4.1.</summary>
    private string Term(string text) => Profile.ValidationReasonsHtmlEscaped ? $"&lt;&lt;\"{text}\"&gt;&gt;" : $"<<\"{text}\">>";
}
