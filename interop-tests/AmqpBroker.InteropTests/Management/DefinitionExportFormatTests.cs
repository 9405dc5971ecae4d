using AmqpBroker.Core.Profiles;

namespace AmqpBroker.InteropTests.Management;

/// <summary>
/// The shape of the definitions export per release. From 4.2.9 and 4.3.3 it is rabbit_definitions' canonical document
/// (release-notes/4.2.9.md, #16734; commit 21c0553901 "Rewrite the definitions export as one fold-based, streamed
/// path"): queues carry their type, internal exchanges are left out, a vhost is its name, limits and metadata. Before,
/// rabbit_mgmt_wm_definitions:rw_state: a vhost is its name (3.10, checked against RabbitMQ 3.10.8) or also its
/// description, tags, default queue type (up to 4.1.0, commit 09b31f6e4c) and metadata (3.13+; from 4.0.5 with the
/// default queue type, rabbit_vhost:i(metadata)), and internal exchanges are exported. From 4.0.5 the
/// document says it is a cluster's (release-notes/4.0.5.md, #12835; rabbit_mgmt_wm_definitions at v4.2.9), and one
/// vhost's says it is that vhost's (rabbit_mgmt_wm_definitions:vhost_definitions at v4.0.5 and v4.1.8, small_parts at
/// v4.2.9). 3.10 is checked against RabbitMQ 3.10.8 as well: per-vhost policies and parameters keep their vhost there
/// (3.12.0 stripped it, commit 4bfe352168), parameter values come with sorted keys, the download header is unquoted, and
/// an import refused by a policy names it (rabbit_definitions:add_policy and format/1 at v3.10.8, v4.1.8 and v4.2.0).
/// </summary>
[Releases("3.10", "4.1", "4.2")]
public sealed class DefinitionExportFormatTests : ManagementTestBase
{
    [Test]
    public async Task Queues_internal_exchanges_and_vhosts_are_exported_as_the_release_exports_them()
    {
        var virtualHost = TrackVirtualHost(UniqueName("vhost"));
        var path = Segment(virtualHost);
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/vhosts/{path}");
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"api/vhost-limits/{path}/max-queues", new JsonObject { ["value"] = 10 });
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/exchanges/{path}/internal-x", new JsonObject { ["type"] = "fanout", ["durable"] = true, ["internal"] = true });
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/queues/{path}/q", new JsonObject { ["durable"] = true });

        var export = await GetJsonAsync("api/definitions");

        var entry = export["vhosts"]!.AsArray().Single(v => v!["name"]!.GetValue<string>() == virtualHost)!.AsObject();
        var queue = export["queues"]!.AsArray().Single(q => q!["vhost"]!.GetValue<string>() == virtualHost)!;
        var exchanges = export["exchanges"]!.AsArray().Where(x => x!["vhost"]!.GetValue<string>() == virtualHost).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(entry.Select(p => p.Key), Is.EquivalentTo(
                Profile.DefinitionsExportCanonical ? ["name", "limits", "metadata"]
                : Profile.DefinitionsExportDefaultQueueType ? ["name", "description", "tags", "default_queue_type", "metadata"]
                : Profile.DefinitionsExportVirtualHostMetadata ? ["name", "description", "tags", "metadata"]
                : new[] { "name" }));
            Assert.That(entry["metadata"]?["default_queue_type"]?.GetValue<string>(), Is.EqualTo(Profile.RecordsDefaultQueueType ? "classic" : null));
            Assert.That(queue["type"]?.GetValue<string>(), Is.EqualTo(Profile.DefinitionsExportCanonical ? "classic" : null));
            Assert.That(exchanges.Select(x => x!["internal"]?.GetValue<bool>()), Is.EqualTo(Profile.DefinitionsExportCanonical ? Array.Empty<bool?>() : [true]));
        }

        if (Profile.DefinitionsExportCanonical)
        {
            Assert.That(entry["limits"]!.ToJsonString(), Is.EqualTo("""{"max-queues":10}"""));
        }
    }

    /// <summary>
    /// The top-level fields: the version fields on every release (the product as the overview names it; 3.10.8 checked
    /// live), and from 4.0.5
    /// <c>rabbitmq_definition_format</c>, <c>original_cluster_name</c> (the overview's <c>cluster_name</c>) and
    /// <c>explanation</c>. A document with the markers imports on every release (rabbit_definitions reads the categories
    /// it knows and ignores the rest).
    /// </summary>
    [Test]
    public async Task The_export_names_its_version_and_from_4_0_5_its_cluster_and_imports_with_those_fields()
    {
        var export = (await GetJsonAsync("api/definitions")).AsObject();
        var overview = await GetJsonAsync("api/overview");
        var cluster = overview["cluster_name"]!.GetValue<string>();
        var version = Profile.ReportedVersion;

        var expected = new Dictionary<string, string>
        {
            ["rabbit_version"] = version, ["rabbitmq_version"] = version,
            ["product_name"] = overview["product_name"]!.GetValue<string>(), ["product_version"] = overview["product_version"]!.GetValue<string>(),
        };
        if (Profile.DefinitionsExportFormatMarkers)
        {
            expected["rabbitmq_definition_format"] = "cluster";
            expected["original_cluster_name"] = cluster;
            expected["explanation"] = $"Definitions of cluster '{cluster}'";
        }

        var scalars = export.Where(p => p.Value is JsonValue).ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        Assert.That(scalars, Is.EquivalentTo(expected));

        var queue = Track(UniqueName("imported"));
        var document = new JsonObject
        {
            ["rabbit_version"] = version, ["rabbitmq_definition_format"] = "cluster", ["original_cluster_name"] = "elsewhere", ["explanation"] = "Definitions of cluster 'elsewhere'",
            ["queues"] = new JsonArray(new JsonObject { ["name"] = queue, ["vhost"] = "/", ["durable"] = true, ["auto_delete"] = false, ["arguments"] = new JsonObject() }),
        };
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, "api/definitions", document);
        await ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/queues/%2F/{Segment(queue)}");
    }

    [Test]
    public async Task One_vhost_exports_the_fields_and_item_vhosts_of_its_release_and_imports_elsewhere()
    {
        var (virtualHost, copy) = (TrackVirtualHost(UniqueName("vhost")), TrackVirtualHost(UniqueName("copy")));
        var (path, shovel) = (Segment(virtualHost), UniqueName("shovel"));
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/vhosts/{path}");
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/vhosts/{Segment(copy)}");
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"api/vhost-limits/{path}/max-queues", new JsonObject { ["value"] = 10 });
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/policies/{path}/p", new JsonObject { ["pattern"] = "^none$", ["definition"] = new JsonObject { ["max-length"] = 5 } });
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/queues/{path}/q", new JsonObject { ["durable"] = true });
        var nowhere = "amqp://127.0.0.1:1";
        var value = new JsonObject { ["src-uri"] = nowhere, ["src-queue"] = "q", ["dest-uri"] = nowhere, ["dest-queue"] = "moved", ["reconnect-delay"] = 5 };
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/parameters/shovel/{path}/{shovel}", new JsonObject { ["value"] = value });

        var export = (await GetJsonAsync($"api/definitions/{path}")).AsObject();

        string[] header = Profile.DefinitionsVirtualHostExport < VirtualHostDefinitionsExport.Described ? ["rabbit_version"]
            : ["rabbit_version", "rabbitmq_version", "product_name", "product_version", "rabbitmq_definition_format", "original_vhost_name", "explanation", "metadata", "description", "limits"];
        var items = new[] { "parameters", "policies" }.SelectMany(c => export[c]!.AsArray()).ToList();
        var shovelValue = export["parameters"]!.AsArray().Single(p => p!["component"]!.GetValue<string>() == "shovel")!["value"]!.AsObject();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(export.Select(p => p.Key), Is.EqualTo(header.Concat(["parameters", "policies", "queues", "exchanges", "bindings"])));
            Assert.That(items.Select(i => i!["vhost"]?.GetValue<string>()), Is.EqualTo(Enumerable.Repeat(Profile.DefinitionsVirtualHostExport == VirtualHostDefinitionsExport.Plain ? virtualHost : null, 3)));
            Assert.That(shovelValue.Select(p => p.Key), Is.EqualTo(new[] { "dest-queue", "dest-uri", "reconnect-delay", "src-queue", "src-uri" }), "RabbitMQ keeps the value as a map");
            Assert.That(export["queues"]!.AsArray().Single()!["vhost"], Is.Null);
        }

        if (header.Length > 1)
        {
            Assert.That((export["rabbitmq_definition_format"]!.GetValue<string>(), export["original_vhost_name"]!.GetValue<string>(), export["explanation"]!.GetValue<string>(), export["limits"]!.ToJsonString()),
                Is.EqualTo(("single_virtual_host", virtualHost, $"Definitions of virtual host '{virtualHost}'", """{"max-queues":10}""")));
        }

        export["parameters"] = new JsonArray([.. export["parameters"]!.AsArray().Where(p => p!["component"]!.GetValue<string>() != "shovel").Select(p => p!.DeepClone())]);
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, $"api/definitions/{Segment(copy)}", export);
        await ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/queues/{Segment(copy)}/q");
        await ExpectAsync(HttpStatusCode.OK, HttpMethod.Get, $"api/policies/{Segment(copy)}/p");
    }

    /// <summary>
    /// The download name comes back unquoted (<c>attachment; filename=…</c>, as rabbit_mgmt_wm_definitions sets it on every
    /// release); from 4.2.8 one that is not an HTTP token is a 400 with no body (release-notes/4.2.8.md, #16544;
    /// maybe_content_disposition at v4.2.9); before, it is echoed as it is.
    /// </summary>
    [Test]
    public async Task The_download_name_comes_back_unquoted_and_from_4_2_8_must_be_a_token()
    {
        Assert.That(await DispositionAsync("api/definitions?download=defs.json"), Is.EqualTo("attachment; filename=defs.json"));
        Assert.That(await DispositionAsync("api/definitions/%2F?download=vhost-defs.json"), Is.EqualTo("attachment; filename=vhost-defs.json"));

        using var spaced = await Http.GetAsync("api/definitions/%2F?download=my%20defs.json");
        if (Profile.DefinitionsDownloadNameIsToken)
        {
            Assert.That((spaced.StatusCode, await spaced.Content.ReadAsStringAsync()), Is.EqualTo((HttpStatusCode.BadRequest, "")));
        }
        else
        {
            Assert.That(spaced.Content.Headers.GetValues("Content-Disposition").Single(), Is.EqualTo("attachment; filename=my defs.json"));
        }
    }

    /// <summary>
    /// A binding to an exclusive queue goes with the queue up to 4.2.8 (export_binding keeps bindings to exported queues,
    /// rabbit_mgmt_wm_definitions at v3.10.8 and v4.1.8); from 4.2.9 every explicit binding is exported
    /// (rabbit_definitions:fold_bindings, #16734), the queue still not (fold_queues skips exclusive ones).
    /// </summary>
    [Test]
    public async Task A_binding_to_an_exclusive_queue_is_exported_from_4_2_9_only()
    {
        await using var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        var exchange = await DeclareExchangeAsync(channel, ExchangeType.Direct);
        var queue = (await channel.QueueDeclareAsync(UniqueName("exclusive"), durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(queue, exchange, "k");

        foreach (var path in new[] { "api/definitions", "api/definitions/%2F" })
        {
            var export = await GetJsonAsync(path);
            var bindings = export["bindings"]!.AsArray().Where(b => b!["destination"]!.GetValue<string>() == queue).ToList();
            using (Assert.EnterMultipleScope())
            {
                Assert.That(bindings.Select(b => b!["source"]!.GetValue<string>()), Is.EqualTo(Profile.DefinitionsExportCanonical ? [exchange] : Array.Empty<string>()), path);
                Assert.That(export["queues"]!.AsArray().Select(q => q!["name"]!.GetValue<string>()), Does.Not.Contain(queue), path);
            }
        }
    }

    [Test]
    public async Task A_policy_that_validation_refuses_stops_the_import_with_the_releases_reason()
    {
        var name = UniqueName("refused") + "<1>";
        var policy = new JsonObject { ["vhost"] = "/", ["name"] = name, ["pattern"] = "^none$", ["apply-to"] = "queues", ["priority"] = 0, ["definition"] = new JsonObject { ["max-length"] = "ten" } };
        var document = new JsonObject { ["policies"] = new JsonArray(policy) };

        var whole = await SendAsync(HttpMethod.Post, "api/definitions", document);
        var one = await SendAsync(HttpMethod.Post, "api/definitions/%2F", document);

        const string refused = "Validation failed\n\n<<\"ten\">> is not a valid maximum length\n";
        var escaped = $"{refused} (//{name})".Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
        var asBinary = $"<<\"{escaped.Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\">>";
        var (expectedWhole, expectedOne) = Profile.DefinitionImportReason switch
        {
            DefinitionImportReason.Escaped => (escaped, asBinary),
            DefinitionImportReason.EscapedAsErlangBinary => (asBinary, asBinary),
            _ => ($"{refused} (vhost: \"/\" key: \"{name}\")", $"{refused} (vhost: \"/\" key: \"{name}\")"),
        };
        using (Assert.EnterMultipleScope())
        {
            Assert.That((whole.Status, whole.Json?["reason"]?.GetValue<string>()), Is.EqualTo((HttpStatusCode.BadRequest, expectedWhole)));
            Assert.That((one.Status, one.Json?["reason"]?.GetValue<string>()), Is.EqualTo((HttpStatusCode.BadRequest, expectedOne)));
        }
    }

    private async Task<string> DispositionAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), path);
        return response.Content.Headers.GetValues("Content-Disposition").Single();
    }
}
