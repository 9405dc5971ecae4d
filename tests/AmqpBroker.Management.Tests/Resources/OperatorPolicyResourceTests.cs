using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AmqpBroker.Management.Tests.Http;
using HttpStatusCode = System.Net.HttpStatusCode;

namespace AmqpBroker.Management.Tests.Resources;

// RabbitMQ 3.10.8's answers (probed; deps/rabbitmq_management/src/rabbit_mgmt_wm_operator_policy.erl and
// rabbit_mgmt_wm_operator_policies.erl): administrators only for one policy, the policy's JSON, the parameter of
// component operator_policy it is stored as, the queue's operator_policy and merged effective_policy_definition.
[TestFixture]
public sealed class OperatorPolicyResourceTests : ReleaseServerTest
{
    private static readonly JsonObject Cap = new()
    {
        ["pattern"] = "^capped",
        ["definition"] = new JsonObject { ["max-length"] = 2, ["message-ttl"] = 1000 },
        ["priority"] = 3,
        ["apply-to"] = "queues",
    };

    [Test]
    public async Task An_operator_policy_is_created_shown_listed_stored_as_a_parameter_and_deleted()
    {
        using var http = await StartAsync("3.10");

        Assert.That(await PutAsync(http, "cap", Cap), Is.EqualTo(HttpStatusCode.Created));
        Assert.That(await PutAsync(http, "cap", Cap), Is.EqualTo(HttpStatusCode.NoContent));

        const string Shown = """{"vhost":"/","name":"cap","pattern":"^capped","apply-to":"queues","definition":{"max-length":2,"message-ttl":1000},"priority":3}""";
        Assert.That((await http.GetStringAsync("api/operator-policies/%2F/cap")), Is.EqualTo(Shown));
        Assert.That((await http.GetStringAsync("api/operator-policies")), Is.EqualTo($"[{Shown}]"));
        Assert.That((await http.GetStringAsync("api/operator-policies/%2F")), Is.EqualTo($"[{Shown}]"));
        var parameter = (await http.GetFromJsonAsync<JsonArray>("api/parameters/operator_policy"))!.Single()!;
        Assert.That((parameter["component"]!.GetValue<string>(), parameter["value"]!["priority"]!.GetValue<int>()), Is.EqualTo(("operator_policy", 3)));
        var exported = (await http.GetFromJsonAsync<JsonObject>("api/definitions"))!["parameters"]!.AsArray();
        Assert.That(exported.Select(p => p!["component"]!.GetValue<string>()), Does.Contain("operator_policy"));

        using (var deleted = await http.DeleteAsync("api/operator-policies/%2F/cap"))
        {
            Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }

        using var again = await http.DeleteAsync("api/operator-policies/%2F/cap");
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task A_queue_shows_its_operator_policy_and_the_merged_definition()
    {
        using var http = await StartAsync("3.10");
        using (var policy = await http.PutAsJsonAsync("api/policies/%2F/user", new JsonObject
        {
            ["pattern"] = "^capped", ["definition"] = new JsonObject { ["max-length"] = 5, ["message-ttl"] = 500, ["overflow"] = "reject-publish" },
        }))
        {
            Assert.That(policy.IsSuccessStatusCode, Is.True);
        }

        await PutAsync(http, "cap", Cap);
        using (var declared = await http.PutAsJsonAsync("api/queues/%2F/capped", new JsonObject { ["durable"] = false }))
        {
            Assert.That(declared.IsSuccessStatusCode, Is.True);
        }

        var queue = (await http.GetFromJsonAsync<JsonObject>("api/queues/%2F/capped"))!;
        Assert.That((queue["policy"]!.GetValue<string>(), queue["operator_policy"]!.GetValue<string>()), Is.EqualTo(("user", "cap")));
        Assert.That(queue["effective_policy_definition"]!.ToJsonString(), Is.EqualTo("""{"max-length":2,"message-ttl":500,"overflow":"reject-publish"}"""));
    }

    [TestCase("""{"dead-letter-exchange":"x"}""", """[{<<"dead-letter-exchange">>,<<"x">>}] are not recognised policy settings""")]
    [TestCase("""{"ha-mode":"all"}""", """[{<<"ha-mode">>,<<"all">>}] are not recognised policy settings""")]
    [TestCase("""{"max-length":-1}""", "-1 is not a valid maximum length")]
    [TestCase("{}", "no policy provided")]
    public async Task A_definition_operator_policies_may_not_have_is_refused_unescaped(string definition, string why)
    {
        using var http = await StartAsync("3.10");

        using var response = await http.PutAsJsonAsync("api/operator-policies/%2F/bad", new JsonObject { ["pattern"] = ".*", ["definition"] = JsonNode.Parse(definition) });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.That(body["reason"]!.GetValue<string>(), Is.EqualTo($"Validation failed\n\n{why}\n"));
    }

    [Test]
    public async Task A_policymaker_may_list_but_not_read_or_set_one()
    {
        using var admin = await StartAsync("3.10");
        await PutAsync(admin, "cap", Cap);
        using var http = Server!.Client("sweep-policymaker", ApiTestServer.Password);

        using var list = await http.GetAsync("api/operator-policies");
        using var one = await http.GetAsync("api/operator-policies/%2F/cap");
        using var put = await http.PutAsJsonAsync("api/operator-policies/%2F/cap", Cap);

        Assert.That((list.StatusCode, one.StatusCode, put.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized)));
        Assert.That((await one.Content.ReadFromJsonAsync<JsonObject>())!["reason"]!.GetValue<string>(), Is.EqualTo("Not administrator user"));
    }

    private static async Task<HttpStatusCode> PutAsync(HttpClient http, string name, JsonObject body)
    {
        using var response = await http.PutAsJsonAsync($"api/operator-policies/%2F/{name}", body.DeepClone());
        return response.StatusCode;
    }
}
