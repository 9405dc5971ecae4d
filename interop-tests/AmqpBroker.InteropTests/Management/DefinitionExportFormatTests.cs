namespace AmqpBroker.InteropTests.Management;

/// <summary>
/// The shape of the definitions export per release. From 4.2.9 and 4.3.3 it is rabbit_definitions' canonical document
/// (release-notes/4.2.9.md, #16734; commit 21c0553901 "Rewrite the definitions export as one fold-based, streamed
/// path"): queues carry their type, internal exchanges are left out, a vhost is its name, limits and metadata. Before,
/// rabbit_mgmt_wm_definitions:rw_state: a vhost is its name (3.10, checked against RabbitMQ 3.10.8) or also its
/// description, tags, default queue type and metadata (3.13+), and internal exchanges are exported.
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
}
