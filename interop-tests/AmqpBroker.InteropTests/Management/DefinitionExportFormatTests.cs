namespace AmqpBroker.InteropTests.Management;

/// <summary>
/// The shape of the definitions export per release. From 4.2.9 and 4.3.3 it is rabbit_definitions' canonical document
/// (release-notes/4.2.9.md, #16734; commit 21c0553901 "Rewrite the definitions export as one fold-based, streamed
/// path"): queues carry their type, internal exchanges are left out, a vhost is its name, limits and metadata. Before,
/// rabbit_mgmt_wm_definitions:rw_state: a vhost is its name (3.10, checked against RabbitMQ 3.10.8) or also its
/// description, tags, default queue type and metadata (3.13+), and internal exchanges are exported. From 4.0.5 the
/// document says it is a cluster's (release-notes/4.0.5.md, #12835; rabbit_mgmt_wm_definitions at v4.2.9).
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
                : Profile.DefinitionsExportVirtualHostMetadata ? ["name", "description", "tags", "default_queue_type", "metadata"]
                : new[] { "name" }));
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
}
