using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AmqpBroker.Management.Tests.Http;

namespace AmqpBroker.Management.Tests.Definitions;

/// <summary>
/// The 400 reason of an import stopped by a policy or parameter that validation refuses (rabbit_definitions:add_policy,
/// add_parameter and format/1): escaped with <c> (vhost/name)</c> appended up to 4.1, shown as an Erlang binary by the
/// per-vhost import on 3.10 and by both imports from 3.13.0 (commit 5f0981c5a3), and as it is with
/// <c> (vhost: "…" key: "…")</c> from 4.2.0 (commit 5f5bf81e40, #14277). The 3.10 texts are RabbitMQ 3.10.8's answers.
/// </summary>
[TestFixture]
public sealed class ImportReasonTests : ReleaseServerTest
{
    private const string Refused = "Validation failed\n\n<<\"ten\">> is not a valid maximum length\n";

    [TestCase("3.10", false, "Validation failed\n\n&lt;&lt;\"ten\"&gt;&gt; is not a valid maximum length\n (//p&lt;1&gt;)")]
    [TestCase("3.10", true, "<<\"Validation failed\\n\\n&lt;&lt;\\\"ten\\\"&gt;&gt; is not a valid maximum length\\n (//p&lt;1&gt;)\">>")]
    [TestCase("3.13", false, "<<\"Validation failed\\n\\n&lt;&lt;\\\"ten\\\"&gt;&gt; is not a valid maximum length\\n (//p&lt;1&gt;)\">>")]
    [TestCase("4.1", true, "<<\"Validation failed\\n\\n&lt;&lt;\\\"ten\\\"&gt;&gt; is not a valid maximum length\\n (//p&lt;1&gt;)\">>")]
    [TestCase("4.2", false, Refused + " (vhost: \"/\" key: \"p<1>\")")]
    [TestCase("4.2", true, Refused + " (vhost: \"/\" key: \"p<1>\")")]
    public async Task A_refused_policy_is_named_as_the_release_names_it(string release, bool perVirtualHost, string reason)
    {
        var policy = new JsonObject
        {
            ["vhost"] = "/", ["name"] = "p<1>", ["pattern"] = "^none$", ["apply-to"] = "queues", ["priority"] = 0,
            ["definition"] = new JsonObject { ["max-length"] = "ten" },
        };

        var answer = await ImportAsync(release, perVirtualHost, new JsonObject { ["policies"] = new JsonArray(policy) });

        Assert.That(answer, Is.EqualTo(reason));
    }

    [TestCase("3.10", "Validation failed\n\nmax-queues should be a number, actually was &lt;&lt;\"ten\"&gt;&gt;\n (//vhost-limits/limits)")]
    [TestCase("4.2", "Validation failed\n\nmax-queues should be a number, actually was <<\"ten\">>\n (vhost: \"/\" / component: \"vhost-limits\" / key: \"limits\")")]
    public async Task A_refused_parameter_is_named_with_its_component(string release, string reason)
    {
        var limits = new JsonObject { ["vhost"] = "/", ["component"] = "vhost-limits", ["name"] = "limits", ["value"] = new JsonObject { ["max-queues"] = "ten" } };

        var answer = await ImportAsync(release, perVirtualHost: false, new JsonObject { ["parameters"] = new JsonArray(limits) });

        Assert.That(answer, Is.EqualTo(reason));
    }

    private async Task<string> ImportAsync(string release, bool perVirtualHost, JsonObject document)
    {
        using var http = await StartAsync(release);
        using var response = await http.PostAsJsonAsync(perVirtualHost ? "api/definitions/%2F" : "api/definitions", document);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(body!["error"]!.GetValue<string>(), Is.EqualTo("bad_request"));
        }

        return body!["reason"]!.GetValue<string>();
    }
}
