using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Management.Tests.Http;

namespace AmqpBroker.Management.Tests.Definitions;

/// <summary>
/// GET /api/definitions/{vhost} per release (rabbit_mgmt_wm_definitions:vhost_definitions at v3.10.8, v3.13.7, v4.0.5 and
/// v4.1.8, small_parts at v4.2.9; 3.10 checked against RabbitMQ 3.10.8): the fields before the categories (from 4.0.5,
/// release-notes/4.0.5.md #12835), which items keep their vhost (3.12.0 stripped them, commit 4bfe352168), the vhost's
/// limits (<c>[]</c> when none before 4.2.9, commit 46f38e8c66), and the download header (unquoted everywhere; from 4.2.8
/// a name that is not an HTTP token is a bare 400, release-notes/4.2.8.md #16544).
/// </summary>
[TestFixture]
public sealed class VirtualHostExportTests : ReleaseServerTest
{
    private static readonly string[] Categories = ["parameters", "policies", "queues", "exchanges", "bindings"];

    [TestCase("3.10", new[] { "rabbit_version" })]
    [TestCase("3.13", new[] { "rabbit_version" })]
    [TestCase("4.0", new[]
    {
        "rabbit_version", "rabbitmq_version", "product_name", "product_version", "rabbitmq_definition_format", "original_vhost_name",
        "explanation", "metadata", "description", "default_queue_type", "limits",
    })]
    [TestCase("4.1", new[]
    {
        "rabbit_version", "rabbitmq_version", "product_name", "product_version", "rabbitmq_definition_format", "original_vhost_name",
        "explanation", "metadata", "description", "limits",
    })]
    [TestCase("4.2", new[]
    {
        "rabbit_version", "rabbitmq_version", "product_name", "product_version", "rabbitmq_definition_format", "original_vhost_name",
        "explanation", "metadata", "description", "limits",
    })]
    public async Task The_fields_before_the_categories_are_the_releases(string release, string[] header)
    {
        using var http = await StartAsync(release);
        await PutAsync(http, "api/vhosts/export-v", new JsonObject());

        var export = await ExportAsync(http, "export-v");

        Assert.That(export.Select(p => p.Key), Is.EqualTo(header.Concat(Categories)));
        if (header.Length > 1)
        {
            var version = VersionProfile.For(RabbitMqRelease.Parse(release)).ReportedVersion;
            using (Assert.EnterMultipleScope())
            {
                Assert.That(export["rabbit_version"]!.GetValue<string>(), Is.EqualTo(version));
                Assert.That(export["rabbitmq_version"]!.GetValue<string>(), Is.EqualTo(version));
                Assert.That(export["rabbitmq_definition_format"]!.GetValue<string>(), Is.EqualTo("single_virtual_host"));
                Assert.That(export["original_vhost_name"]!.GetValue<string>(), Is.EqualTo("export-v"));
                Assert.That(export["explanation"]!.GetValue<string>(), Is.EqualTo("Definitions of virtual host 'export-v'"));
                Assert.That(export["description"]!.GetValue<string>(), Is.Empty);
            }
        }
    }

    /// <summary>
    /// From 4.0.5 the metadata has the default queue type, the node's when the vhost has none (rabbit_vhost:i(metadata),
    /// commit 6746fbfafe; from 4.1.1 recorded when the vhost is created, rabbit_vhost:do_add); 4.0 also puts it beside.
    /// </summary>
    [TestCase("4.0")]
    [TestCase("4.1")]
    [TestCase("4.2")]
    public async Task The_metadata_has_the_default_queue_type(string release)
    {
        using var http = await StartAsync(release);
        await PutAsync(http, "api/vhosts/export-v", new JsonObject());

        var export = await ExportAsync(http, "export-v");

        Assert.That(export["metadata"]!.ToJsonString(), Is.EqualTo("""{"description":"","tags":[],"default_queue_type":"classic"}"""));
    }

    [TestCase("4.1", "[]")]
    [TestCase("4.2", "{}")]
    public async Task Limits_are_an_object_and_before_4_2_9_an_empty_list_when_there_are_none(string release, string none)
    {
        using var http = await StartAsync(release);
        await PutAsync(http, "api/vhosts/export-v", new JsonObject());
        Assert.That((await ExportAsync(http, "export-v"))["limits"]!.ToJsonString(), Is.EqualTo(none));

        await PutAsync(http, "api/vhost-limits/export-v/max-queues", new JsonObject { ["value"] = 10 });

        Assert.That((await ExportAsync(http, "export-v"))["limits"]!.ToJsonString(), Is.EqualTo("""{"max-queues":10}"""));
    }

    /// <summary>3.10.8 keeps the vhost of policies and parameters (vhost limits and shovels alike); 3.12.0 strips every item's.</summary>
    [TestCase("3.10", true)]
    [TestCase("3.13", false)]
    [TestCase("4.2", false)]
    public async Task Policies_and_parameters_keep_their_vhost_on_3_10_only(string release, bool kept)
    {
        using var http = await StartAsync(release);
        await PutAsync(http, "api/vhosts/export-v", new JsonObject());
        await PutAsync(http, "api/vhost-limits/export-v/max-queues", new JsonObject { ["value"] = 10 });
        await PutAsync(http, "api/policies/export-v/p", new JsonObject { ["pattern"] = "^q", ["definition"] = new JsonObject { ["max-length"] = 5 } });
        await PutAsync(http, "api/queues/export-v/q", new JsonObject { ["durable"] = true });

        var export = await ExportAsync(http, "export-v");

        var items = new[] { "parameters", "policies" }.SelectMany(c => export[c]!.AsArray()).ToList();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(items, Has.Count.EqualTo(2));
            Assert.That(items.Select(i => i!["vhost"]?.GetValue<string>()), Is.All.EqualTo(kept ? "export-v" : null));
            Assert.That(export["queues"]!.AsArray().Single()!["vhost"], Is.Null);
        }
    }

    [TestCase("3.10", "defs.json", "attachment; filename=defs.json")]
    [TestCase("3.10", "my \"defs\".json", "attachment; filename=my \"defs\".json")]
    [TestCase("3.10", "", "attachment; filename=")]
    [TestCase("4.2", "rabbit_host_2026-12-07.json", "attachment; filename=rabbit_host_2026-12-07.json")]
    public async Task The_download_name_is_sent_unquoted(string release, string name, string header)
    {
        using var http = await StartAsync(release);

        foreach (var path in new[] { "api/definitions", "api/definitions/%2F" })
        {
            using var response = await http.GetAsync($"{path}?download={Uri.EscapeDataString(name)}");
            Assert.That(response.Content.Headers.GetValues("Content-Disposition").Single(), Is.EqualTo(header), path);
        }
    }

    [TestCase("my defs.json")]
    [TestCase("\"defs.json\"")]
    [TestCase("")]
    public async Task From_4_2_8_a_download_name_that_is_not_a_token_is_a_bare_400(string name)
    {
        using var http = await StartAsync("4.2");

        using var response = await http.GetAsync($"api/definitions?download={Uri.EscapeDataString(name)}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.Empty);
            Assert.That(response.Content.Headers.Contains("Content-Disposition"), Is.False);
        }
    }

    /// <summary>RabbitMQ keeps a parameter's value as an Erlang map: 3.10.8 shows a shovel PUT with src-uri first from dest-queue on.</summary>
    [Test]
    public async Task A_parameters_value_is_shown_with_its_keys_sorted_at_every_depth()
    {
        using var http = await StartAsync("3.10");
        Server!.Broker.Parameters.Register(new AnyValue());
        var value = new JsonObject
        {
            ["src-uri"] = "amqp://", ["src-queue"] = "src", ["dest-uri"] = "amqp://",
            ["dest-publish-properties"] = new JsonObject { ["priority"] = 1, ["delivery_mode"] = 2 }, ["list"] = new JsonArray(new JsonObject { ["b"] = 1, ["a"] = 2 }),
        };
        await PutAsync(http, $"api/parameters/{AnyValue.Component}/%2F/s", new JsonObject { ["value"] = value });

        var expected = """{"dest-publish-properties":{"delivery_mode":2,"priority":1},"dest-uri":"amqp://","list":[{"a":2,"b":1}],"src-queue":"src","src-uri":"amqp://"}""";
        var exported = (await ExportAsync(http, "%2F"))["parameters"]!.AsArray().Single()!;
        var shown = await http.GetFromJsonAsync<JsonObject>($"api/parameters/{AnyValue.Component}/%2F/s");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exported["value"]!.ToJsonString(), Is.EqualTo(expected));
            Assert.That(shown!["value"]!.ToJsonString(), Is.EqualTo(expected));
        }
    }

    private static async Task PutAsync(HttpClient http, string path, JsonObject body)
    {
        using var response = await http.PutAsJsonAsync(path, body);
        Assert.That(response.IsSuccessStatusCode, Is.True, $"PUT {path}: {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<JsonObject> ExportAsync(HttpClient http, string virtualHost) =>
        (await http.GetFromJsonAsync<JsonObject>($"api/definitions/{virtualHost}"))!;

    /// <summary>A parameter component that takes any value.</summary>
    private sealed class AnyValue : IRuntimeParameterComponent
    {
        public const string Component = "export-test";

        public string Name => Component;

        public void Validate(RuntimeParameter parameter)
        {
        }

        public void OnSet(RuntimeParameter parameter)
        {
        }

        public void OnCleared(string virtualHost, string name)
        {
        }
    }
}
