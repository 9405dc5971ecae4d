namespace AmqpBroker.InteropTests.Management;

/// <summary>
/// /api/operator-policies (RabbitMQ 3.10.8: deps/rabbitmq_management/src/rabbit_mgmt_wm_operator_policy.erl,
/// deps/rabbit/src/rabbit_policy.erl, rabbit_policies.erl): administrators set them; a queue takes the
/// highest-priority match besides its policy, and of a limit both set the smaller is in force.
/// </summary>
public sealed class OperatorPolicyEndpointTests : ManagementTestBase
{
    [Test]
    public async Task An_operator_policy_caps_the_max_length_a_user_policy_sets()
    {
        var prefix = UniqueName("oppol");
        var pattern = "^" + System.Text.RegularExpressions.Regex.Escape(prefix);
        var (policyPath, capPath, lowPath) = ($"api/policies/%2F/{Segment(prefix)}-user", $"api/operator-policies/%2F/{Segment(prefix)}-cap", $"api/operator-policies/%2F/{Segment(prefix)}-low");
        var channel = await OpenChannelAsync();
        var queue = Track(prefix + "-q");
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false);
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, policyPath, Body(pattern, 0, new JsonObject { ["max-length"] = 5, ["overflow"] = "drop-head" }));
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, lowPath, Body(pattern, 1, new JsonObject { ["max-length"] = 1 }));
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, capPath, Body(pattern, 7, new JsonObject { ["max-length"] = 2, ["message-ttl"] = 600000 }));
        try
        {
            var cap = await GetJsonAsync(capPath);
            Assert.That((cap["apply-to"]!.GetValue<string>(), cap["priority"]!.GetValue<int>(), cap["definition"]!["max-length"]!.GetValue<long>()), Is.EqualTo(("queues", 7, 2L)));
            Assert.That((await GetJsonAsync("api/operator-policies/%2F")).AsArray().Select(p => p!["name"]!.GetValue<string>()), Does.Contain(prefix + "-cap"));

            var shown = await EventuallyJsonAsync($"api/queues/%2F/{Segment(queue)}", q => q["operator_policy"]?.GetValue<string>() == prefix + "-cap", "the queue shows the highest-priority operator policy");
            Assert.That(shown["policy"]!.GetValue<string>(), Is.EqualTo(prefix + "-user"));
            Assert.That(shown["effective_policy_definition"]!.ToJsonString(), Is.EqualTo("""{"max-length":2,"message-ttl":600000,"overflow":"drop-head"}"""));
            await PublishAsync(channel, queue, "1", "2", "3", "4");
            await WaitForReadyAsync(queue, 2);
        }
        finally
        {
            await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, capPath);
            await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, lowPath);
            await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, policyPath);
        }

        AssertError(await SendAsync(HttpMethod.Get, capPath), HttpStatusCode.NotFound, "Object Not Found");
        AssertError(await SendAsync(HttpMethod.Delete, capPath), HttpStatusCode.NotFound, "Object Not Found");
        await EventuallyJsonAsync($"api/queues/%2F/{Segment(queue)}", q => q["operator_policy"] is null, "no operator policy applies any more");
    }

    [TestCase("dead-letter-exchange", "\"x\"", "[{<<\"dead-letter-exchange\">>,<<\"x\">>}] are not recognised policy settings")]
    [TestCase("max-length", "-1", "-1 is not a valid maximum length")]
    public async Task Keys_an_operator_policy_may_not_set_are_refused_with_RabbitMQs_unescaped_reason(string key, string value, string why)
    {
        var path = $"api/operator-policies/%2F/{UniqueName("oppol")}";

        var refused = await SendAsync(HttpMethod.Put, path, Body("^nothing-matches-this$", 0, new JsonObject { [key] = JsonNode.Parse(value) }));

        AssertError(refused, HttpStatusCode.BadRequest, "bad_request", $"Validation failed\n\n{why}\n");
    }

    /// <summary>
    /// queue-version and overflow became operator policy keys in 3.13.0 (rabbit_policies.erl, commits 8c6ba6daca and
    /// cffc77d396); 3.10.8 refuses both.
    /// </summary>
    [TestCase("overflow", "\"reject-publish\"", "<<\"reject-publish\">>")]
    [TestCase("queue-version", "2", "2")]
    public async Task Queue_version_and_overflow_are_operator_policy_keys_from_3_13(string key, string value, string erlangValue)
    {
        var path = $"api/operator-policies/%2F/{UniqueName("oppol")}";
        var body = Body("^nothing-matches-this$", 0, new JsonObject { [key] = JsonNode.Parse(value) });
        if (!Profile.OperatorPolicyQueueVersionAndOverflow)
        {
            AssertError(await SendAsync(HttpMethod.Put, path, body), HttpStatusCode.BadRequest, "bad_request", $"Validation failed\n\n[{{<<\"{key}\">>,{erlangValue}}}] are not recognised policy settings\n");
            return;
        }

        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, path, body);
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, path);
    }

    [Test]
    public async Task Only_administrators_read_or_change_one_and_it_is_a_runtime_parameter()
    {
        var (policymaker, password) = await CreateUserAsync("policymaker");
        var name = UniqueName("oppol");
        var path = $"api/operator-policies/%2F/{name}";
        var body = Body("^nothing-matches-this$", 0, new JsonObject { ["expires"] = 60000 });

        AssertError(await SendAsync(HttpMethod.Put, path, body, CreateClient(policymaker, password)), HttpStatusCode.Unauthorized, "not_authorised", "Not administrator user");
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, path, body.DeepClone());
        try
        {
            AssertError(await SendAsync(HttpMethod.Get, path, client: CreateClient(policymaker, password)), HttpStatusCode.Unauthorized, "not_authorised", "Not administrator user");
            await GetJsonAsync("api/operator-policies", CreateClient(policymaker, password));
            var parameter = await GetJsonAsync($"api/parameters/operator_policy/%2F/{name}");
            Assert.That(parameter["value"]!["definition"]!["expires"]!.GetValue<long>(), Is.EqualTo(60000));
            var exported = (await GetJsonAsync("api/definitions"))["parameters"]!.AsArray();
            Assert.That(exported.Any(p => p!["component"]!.GetValue<string>() == "operator_policy" && p["name"]!.GetValue<string>() == name), "definitions carry it as a parameter");
        }
        finally
        {
            await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, path);
        }
    }

    private static JsonObject Body(string pattern, int priority, JsonObject definition) =>
        new() { ["pattern"] = pattern, ["definition"] = definition, ["priority"] = priority, ["apply-to"] = "queues" };
}
