using AmqpBroker.Core.Profiles;

namespace AmqpBroker.InteropTests.Shovels;

/// <summary>
/// Shovels through the admin API as RabbitMQ's shovel management plugin serves it: the parameter's shape
/// and status codes, /api/shovels and its restart and delete, RabbitMQ's validation reasons (checked against
/// RabbitMQ 3.10.8 with the plugin enabled when <c>AMQP_URI</c> points at it), and a RabbitMQ 3.10.8
/// definitions export that contains shovels, imported and exported again.
/// </summary>
public sealed class ShovelApiTests : ManagementTestBase
{
    private static readonly string RabbitMqExport = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Management", "Fixtures", "rabbitmq-3.10.8-shovel-definitions.json"));

    [Test]
    public async Task A_shovel_parameter_is_created_listed_restarted_and_deleted()
    {
        var source = DeclareName("src");
        var name = UniqueName("shovel");
        var path = $"api/parameters/shovel/%2F/{name}";
        var value = new JsonObject { ["src-uri"] = "amqp://", ["src-queue"] = source, ["dest-uri"] = "amqp://", ["dest-queue"] = DeclareName("dst") };

        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, path, new JsonObject { ["value"] = value.DeepClone() });
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, path, new JsonObject { ["value"] = value.DeepClone() });
        var parameter = await GetJsonAsync(path);
        Assert.That(parameter["component"]!.GetValue<string>(), Is.EqualTo("shovel"));
        Assert.That(parameter["vhost"]!.GetValue<string>(), Is.EqualTo("/"));
        Assert.That(parameter["name"]!.GetValue<string>(), Is.EqualTo(name));
        Assert.That(JsonNode.DeepEquals(parameter["value"], value), Is.True, parameter.ToJsonString());
        var listed = (await GetJsonAsync("api/parameters/shovel")).AsArray();
        Assert.That(listed.Select(p => p!["name"]!.GetValue<string>()), Does.Contain(name));

        var running = await EventuallyJsonAsync("api/shovels/%2F", list => Shovel(list, name)?["state"]?.GetValue<string>() == "running", "the shovel to run");
        var status = Shovel(running, name)!;
        Assert.That(status["type"]!.GetValue<string>(), Is.EqualTo("dynamic"));
        Assert.That(status["src_uri"]!.GetValue<string>(), Is.EqualTo("amqp://"));
        Assert.That(status["src_queue"]!.GetValue<string>(), Is.EqualTo(source));
        Assert.That(status["timestamp"]!.GetValue<string>(), Does.Match(@"^\d{4}-\d\d-\d\d \d{1,2}:\d\d:\d\d$"));

        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/shovels/vhost/%2F/{name}/restart");
        await EventuallyJsonAsync("api/shovels/%2F", list => Shovel(list, name)?["state"]?.GetValue<string>() == "running", "the restarted shovel to run");
        await ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Delete, $"api/shovels/vhost/%2F/{UniqueName("none")}/restart");

        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, path);
        await ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, path);
        await EventuallyJsonAsync("api/shovels/%2F", list => Shovel(list, name) is null, "the shovel to go");
    }

    [TestCase("""{"src-queue":"q","dest-uri":"amqp://"}""", "Key \"src-uri\" not found in ")]
    [TestCase("""{"src-uri":"amqp://","dest-uri":"amqp://"}""", "Must specify 'src-exchange' or 'src-queue'")]
    [TestCase("""{"src-uri":"amqp://","src-queue":"q","src-exchange":"x","dest-uri":"amqp://"}""", "Cannot specify 'src-exchange' and 'src-queue'")]
    [TestCase("""{"src-uri":"amqp://","src-queue":"q","dest-uri":"amqp://","dest-queue":"a","dest-exchange":"b"}""", "Cannot specify 'dest-exchange' and 'dest-queue'")]
    [TestCase("""{"src-uri":"amqp://","src-queue":"q","dest-uri":"amqp://","src-delete-after":3,"ack-mode":"no-ack"}""", "Cannot specify 'no-ack' and numerical 'delete-after'")]
    [TestCase("""{"src-uri":"amqp://","src-queue":5,"dest-uri":"amqp://"}""", "src-queue should be binary, actually was 5")]
    [TestCase("""{"src-uri":"foo://x","src-queue":"q","dest-uri":"amqp://"}""", "\"foo://x\" not a valid URI")]
    public async Task A_shovel_rabbitmq_refuses_is_refused_with_its_reason(string value, string reason)
    {
        var response = await SendAsync(HttpMethod.Put, $"api/parameters/shovel/%2F/{Segment(UniqueName("bad"))}", $$"""{"value":{{value}}}""");

        AssertError(response, HttpStatusCode.BadRequest, "bad_request", "Validation failed\n\n" + reason);
    }

    // Each reason is what RabbitMQ 3.10.8 answered to the same value: rabbit_shovel_parameters:validate returns
    // validate_src ++ validate_dest ++ rabbit_parameter_validation:proplist (unknown keys first, then each key's problem
    // in reverse checking order), unchanged through v4.3.5 (rabbit_amqp091_shovel). {name} is the parameter's name.
    [TestCase("""{"src-uri":"amqp://"}""", "Must specify 'src-exchange' or 'src-queue'\nKey \"dest-uri\" not found in {name}")]
    [TestCase(
        """{"src-uri":"amqp://","src-queue":"a","dest-uri":"amqp://","dest-queue":"b","ack-mode":"bogus","src-prefetch-count":"x","reconnect-delay":-1}""",
        "src-prefetch-count should be a number, actually was <<\"x\">>\nack-mode should be one of [<<\"no-ack\">>,<<\"on-publish\">>,<<\"on-confirm\">>], actually was <<\"bogus\">>")]
    [TestCase(
        """{"src-uri":"amqp://","src-queue":"a","src-exchange":"x","dest-uri":"amqp://","dest-queue":"b","dest-exchange":"c","ack-mode":"no-ack","delete-after":5,"zz":1,"aa":2}""",
        "Cannot specify 'src-exchange' and 'src-queue'\nCannot specify 'no-ack' and numerical 'delete-after'\nCannot specify 'dest-exchange' and 'dest-queue'\nUnrecognised terms [{<<\"aa\">>,2},{<<\"zz\">>,1}] in {name}")]
    [TestCase(
        """{"src-uri":5,"src-queue":5,"dest-uri":["amqp://","bar://"],"dest-exchange-key":4,"ack-mode":7}""",
        "dest-exchange-key should be binary, actually was 4\n\"bar://\" not a valid URI: {{unexpected_uri_scheme,\"bar\"},\"bar://\"}\nsrc-queue should be binary, actually was 5\nsrc-uri should be list, actually was 5\nack-mode should be binary, actually was 7")]
    [TestCase(
        """{"src-uri":"amqp://","src-queue":"a","dest-uri":"amqp://","publish-properties":{"priority":"x","bogus":1},"dest-publish-properties":"s","dest-queue":7}""",
        "dest-publish-properties not a list <<\"s\">>\nUnrecognised terms [{<<\"bogus\">>,1}] in publish-properties\npriority should be a number, actually was <<\"x\">>\ndest-queue should be binary, actually was 7")]
    // Erlang's ~p breaks the list of "Unrecognised terms ~p in ~s" (at column 19) past column 78, one term a line, and a
    // term that still does not fit after its key (rabbit_parameter_validation:proplist, ~tp from 3.13; io_lib_pretty).
    [TestCase(
        """{"src-uri":"amqp://","src-queue":"a","dest-uri":"amqp://","x-one-unknown-key":true,"x-two-unknown-key":true}""",
        "Unrecognised terms [{<<\"x-one-unknown-key\">>,true},\n                    {<<\"x-two-unknown-key\">>,true}] in {name}")]
    [TestCase(
        """{"src-uri":"amqp://","src-queue":"a","dest-uri":"amqp://","dest-urii":"amqp://user:pass@host.example.com:5672/vhost","a":1}""",
        "Unrecognised terms [{<<\"a\">>,1},\n                    {<<\"dest-urii\">>,\n                     <<\"amqp://user:pass@host.example.com:5672/vhost\">>}] in {name}")]

    // A JSON null is the atom null to RabbitMQ: a present key whose value every check refuses.
    [TestCase(
        """{"src-uri":null,"src-queue":5,"dest-uri":"amqp://","dest-queue":null}""",
        "dest-queue should be binary, actually was null\nsrc-queue should be binary, actually was 5\nsrc-uri should be list, actually was null")]
    [TestCase(
        """{"src-uri":"amqp://","src-queue":"a","src-exchange":null,"dest-uri":"amqp://","publish-properties":null}""",
        "Cannot specify 'src-exchange' and 'src-queue'\npublish-properties not a list null\nsrc-exchange should be binary, actually was null")]
    public async Task A_shovel_with_several_problems_is_refused_with_all_of_them_in_rabbitmqs_order(string value, string reason) =>
        await ExpectRefusedAsync(value, reason);

    /// <summary>
    /// Until 4.2.5 an argument table is a proplist checked against rabbit_amqqueue:declare_args/consume_args: unknown keys
    /// are refused (x-delivery-limit is not among them), known ones pass (rabbit_shovel_parameters:validate_queue_args at
    /// v3.10.8; RabbitMQ 3.10.8 answered so). From 4.2.5 it is an AMQP table whose unknown keys pass
    /// (rabbit_shovel_util:validate_amqp_table_args at v4.2.9 and v4.3.5, release-notes/4.2.5.md #8323/#8356).
    /// </summary>
    [Test]
    public async Task Unknown_arguments_are_refused_until_4_2_5()
    {
        var value = """
            {"src-uri":"amqp://","src-queue":"a","dest-uri":"amqp://","src-queue-args":{"x-foo":1,"x-delivery-limit":1,"x-message-ttl":1000},
             "dest-queue-args":{"x-zed":true},"src-consumer-args":{"x-what":1,"x-priority":1},"reconnect-delay":"r"}
            """;
        var unknown = "Unrecognised terms [{<<\"x-zed\">>,true}] in dest-queue-args\nUnrecognised terms [{<<\"x-what\">>,1}] in src-consumer-args\n"
            + "Unrecognised terms [{<<\"x-delivery-limit\">>,1},{<<\"x-foo\">>,1}] in src-queue-args\n";

        await ExpectRefusedAsync(value, (Profile.ShovelArgumentsAsTables ? "" : unknown) + "reconnect-delay should be a number, actually was <<\"r\">>");
    }

    /// <summary>
    /// Where RabbitMQ's validation crashes, Cowboy answers 500 with <c>content-length: 0</c> alone (RabbitMQ 3.10.8 checked
    /// with curl): an argument table that is neither a map nor a list (to_proplist, to_map) or a list from 4.2.5 (to_map),
    /// and a protocol other than amqp10 or amqp091 until 4.2.9 (protocols/1), an atom after (registered_protocol_to_atom at
    /// v4.2.9 and v4.3.3). From 4.2.9 an unknown string is read as amqp091 and refused by the enum check; that its list of
    /// registered protocols comes in this order is what OTP 25's ETS gives, not checked on a 4.x node.
    /// </summary>
    [TestCase("\"src-queue-args\":5", "always", null)]
    [TestCase("\"dest-queue-args\":null", "always", null)]
    [TestCase("\"dest-protocol\":null", "always", null)]
    [TestCase("\"src-protocol\":\"foo\"", "protocols", "src-protocol should be one of [<<\"local\">>,<<\"amqp10\">>,<<\"amqp091\">>], actually was <<\"foo\">>")]
    [TestCase("\"src-queue-args\":[1,2]", "tables", "Unrecognised terms [1,2] in src-queue-args")]
    public async Task A_value_the_release_cannot_read_crashes_its_validation(string keys, string crashes, string? reason)
    {
        var value = $$"""{"src-uri":"amqp://","src-queue":"a","dest-uri":"amqp://",{{keys}}}""";
        var crashed = crashes switch
        {
            "protocols" => !Profile.ShovelUnknownProtocolIsAmqp091,
            "tables" => Profile.ShovelArgumentsAsTables,
            _ => true,
        };
        if (!crashed)
        {
            await ExpectRefusedAsync(value, reason!);
            return;
        }

        var response = await SendAsync(HttpMethod.Put, $"api/parameters/shovel/%2F/{Segment(UniqueName("crash"))}", $$"""{"value":{{value}}}""");

        Assert.That((response.Status, response.Body), Is.EqualTo((HttpStatusCode.InternalServerError, "")));
        Assert.That(response.Headers.Select(h => h.Key), Has.None.EqualTo("Vary").And.None.EqualTo("Content-Security-Policy"));
    }

    [Test]
    public async Task Src_delete_after_duration_is_refused_as_an_unknown_key_before_4_3_5()
    {
        if (Profile.ShovelDeleteAfterDuration)
        {
            Assert.Ignore("4.3.5 takes the key (release-notes/4.3.5.md, Shovel TTL): see ShovelTtlTests");
        }

        var name = UniqueName("ttl");
        var value = """{"src-uri":"amqp://","src-queue":"q","dest-uri":"amqp://","src-delete-after-duration":60}""";

        var response = await SendAsync(HttpMethod.Put, $"api/parameters/shovel/%2F/{Segment(name)}", $$"""{"value":{{value}}}""");

        // RabbitMQ 3.10-4.1 HTML-escape the reason's << and >> (rabbit_mgmt_wm_parameter); the rest reads the same everywhere.
        AssertError(response, HttpStatusCode.BadRequest, "bad_request", "Validation failed\n\nUnrecognised terms [{");
        Assert.That(response.Json!["reason"]!.GetValue<string>(), Does.Contain("\"src-delete-after-duration\"").And.Contain($",60}}] in {name}"));
    }

    [Test]
    public async Task A_parameter_of_an_unknown_component_is_refused()
    {
        var response = await SendAsync(HttpMethod.Put, $"api/parameters/{Segment(UniqueName("component"))}/%2F/x", """{"value":{}}""");

        AssertError(response, HttpStatusCode.BadRequest, "bad_request", "not found");
    }

    [Test]
    public async Task A_rabbitmq_export_with_shovels_imports_runs_and_exports_the_same_parameters()
    {
        if (Host is null)
        {
            Assert.Ignore("imports into our broker: RabbitMQ made the file");
        }

        var virtualHost = TrackVirtualHost("shovel-fixture");
        // The user who creates a vhost through the API gets every permission on it, as in RabbitMQ.
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/vhosts/{virtualHost}");

        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, $"api/definitions/{virtualHost}", RabbitMqExport);

        var expected = JsonNode.Parse(RabbitMqExport)!["parameters"]!.AsArray();
        var exported = (await GetJsonAsync($"api/definitions/{virtualHost}"))["parameters"]!.AsArray();
        Assert.That(exported.Select(p => p!["name"]!.GetValue<string>()), Is.EquivalentTo(expected.Select(p => p!["name"]!.GetValue<string>())));
        foreach (var parameter in expected.Select(p => p!.DeepClone().AsObject()))
        {
            // RabbitMQ 3.10.8 made the file; from 3.12.0 a vhost's export leaves the vhost out (commit 4bfe352168).
            if (Profile.DefinitionsVirtualHostExport != VirtualHostDefinitionsExport.Plain)
            {
                parameter.Remove("vhost");
            }

            var ours = exported.Single(p => p!["name"]!.GetValue<string>() == parameter["name"]!.GetValue<string>())!;
            Assert.That(JsonNode.DeepEquals(ours, parameter), Is.True, $"{ours.ToJsonString()} vs {parameter.ToJsonString()}");
        }

        // audit-copy moves between two exchanges of the vhost itself; move-orders points at ports nothing listens on.
        var statuses = await EventuallyJsonAsync($"api/shovels/{virtualHost}", list => Shovel(list, "audit-copy")?["state"]?.GetValue<string>() == "running", "audit-copy to run");
        Assert.That(Shovel(statuses, "audit-copy")!["src_exchange_key"]!.GetValue<string>(), Is.EqualTo("audit.#"));
        // Between its attempts (see ShovelApiReleaseTests): starting (3.10), not listed (3.13.2-4.1), terminated (4.2+).
        Func<JsonNode?, bool> failing = Profile.ShovelConnectFailureStatus switch
        {
            ShovelConnectFailureStatus.Terminated => s => s?["reason"]?.GetValue<string>() == "\"failed to connect to destination\"",
            ShovelConnectFailureStatus.Unlisted => s => s is null,
            _ => s => s?["state"]?.GetValue<string>() == "starting",
        };
        await EventuallyJsonAsync($"api/shovels/{virtualHost}", list => failing(Shovel(list, "move-orders")), "move-orders to fail as the release shows it");
    }

    private string DeclareName(string what) => Track(UniqueName(what));

    private static JsonNode? Shovel(JsonNode list, string name) => list.AsArray().FirstOrDefault(s => s!["name"]!.GetValue<string>() == name);

    /// <summary>PUTs the shovel <paramref name="value"/> and expects RabbitMQ's 400 with <paramref name="reason"/>, where
    /// <c>{name}</c> stands for the parameter's name.</summary>
    private async Task ExpectRefusedAsync(string value, string reason)
    {
        var name = UniqueName("bad");

        var response = await SendAsync(HttpMethod.Put, $"api/parameters/shovel/%2F/{Segment(name)}", $$"""{"value":{{value}}}""");

        AssertValidationFailed(response, reason.Replace("{name}", name, StringComparison.Ordinal));
    }
}
