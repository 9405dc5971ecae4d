using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.Durability;

/// <summary>
/// POST /api/definitions is all or nothing: a file whose last entry fails leaves nothing of itself, in
/// memory or on disk (checked again after a restart). RabbitMQ 3.10 keeps what it applied before the
/// failing entry; here the whole file is undone, which is the point of the change.
/// </summary>
public sealed class DefinitionsImportAtomicityTests : RestartFixture
{
    private const string FailingLast = """
        {
          "users": [ { "name": "atomic-user", "password_hash": "", "tags": "management" } ],
          "vhosts": [ { "name": "atomic-vhost" } ],
          "permissions": [ { "user": "atomic-user", "vhost": "atomic-vhost", "configure": ".*", "write": ".*", "read": ".*" } ],
          "policies": [ { "vhost": "atomic-vhost", "name": "atomic-policy", "pattern": ".*", "apply-to": "queues", "priority": 0, "definition": { "max-length": 10 } } ],
          "queues": [ { "name": "atomic-q", "vhost": "atomic-vhost", "durable": true, "auto_delete": false, "arguments": {} } ],
          "exchanges": [ { "name": "atomic-x", "vhost": "atomic-vhost", "type": "topic", "durable": true, "auto_delete": false, "internal": false, "arguments": {} } ],
          "bindings": [
            { "source": "atomic-x", "vhost": "atomic-vhost", "destination": "atomic-q", "destination_type": "queue", "routing_key": "a.#", "arguments": {} },
            { "source": "atomic-x", "vhost": "atomic-vhost", "destination": "missing-q", "destination_type": "queue", "routing_key": "", "arguments": {} }
          ]
        }
        """;

    [Test]
    public async Task A_file_whose_last_entry_fails_leaves_nothing_behind_in_memory_or_on_disk()
    {
        await using (var broker = await StartWithAdminAsync())
        {
            using var http = Admin(broker);
            var before = await ExportAsync(http);

            using var response = await http.PostAsync("api/definitions", new StringContent(FailingLast, Encoding.UTF8, "application/json"));

            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("missing-q"), "the answer names the entry that failed");
            Assert.That(await ExportAsync(http), Is.EqualTo(before), "nothing of the file is left");
        }

        await using var restarted = await StartWithAdminAsync();
        using var httpAgain = Admin(restarted);
        var export = await ExportAsync(httpAgain);
        Assert.That(export, Does.Not.Contain("atomic-"), "the definitions store holds nothing of the file either");
    }

    [Test]
    public async Task The_same_file_without_its_failing_entry_applies_whole_and_is_stored()
    {
        var applicable = FailingLast.Replace("missing-q", "atomic-q", StringComparison.Ordinal).Replace("\"routing_key\": \"\"", "\"routing_key\": \"b\"", StringComparison.Ordinal);
        await using (var broker = await StartWithAdminAsync())
        {
            using var http = Admin(broker);
            using var response = await http.PostAsync("api/definitions", new StringContent(applicable, Encoding.UTF8, "application/json"));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await response.Content.ReadAsStringAsync());
        }

        await using var restarted = await StartWithAdminAsync();
        using var httpAgain = Admin(restarted);
        var bindings = JsonNode.Parse(await httpAgain.GetStringAsync("api/bindings/atomic-vhost"))!.AsArray();
        Assert.That(bindings.Where(b => b!["source"]!.GetValue<string>() == "atomic-x").Select(b => b!["routing_key"]!.GetValue<string>()), Is.EquivalentTo(new[] { "a.#", "b" }));
        Assert.That(JsonNode.Parse(await httpAgain.GetStringAsync("api/policies/atomic-vhost"))!.AsArray(), Has.Count.EqualTo(1));
    }

    private Task<BrokerHost> StartWithAdminAsync() =>
        BrokerHost.StartAsync(new BrokerOptions { Port = 0, ManagementPort = 0, Bind = "127.0.0.1", DataDir = DataDirectory });

    private static HttpClient Admin(BrokerHost broker)
    {
        var client = new HttpClient { BaseAddress = broker.ManagementUri };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("guest:guest"u8.ToArray()));
        return client;
    }

    /// <summary>Everything the broker would export, without the fields that say when or by what.</summary>
    private static async Task<string> ExportAsync(HttpClient http)
    {
        var export = JsonNode.Parse(await http.GetStringAsync("api/definitions"))!.AsObject();
        export.Remove("rabbit_version");
        export.Remove("rabbitmq_version");
        export.Remove("product_version");
        export.Remove("product_name");
        return export.ToJsonString();
    }
}
