using AmqpBroker.Core.Profiles;

namespace AmqpBroker.InteropTests.Management;

/// <summary>
/// What a definitions import answers when it stops at something other than a validation. RabbitMQ 3.10.8 (each case
/// run against it): the full import answers the failure's Erlang term as JSON, the per-vhost import
/// rabbit_definitions:format/1's text, a binding with a missing end is skipped. From 3.13.0 both imports answer the text
/// (rabbit_definitions:apply_defs, commit 5f0981c5a3), and from 3.13.6 such a binding stops the import with
/// <c>~tp</c> of <c>resources_missing</c> (add_binding_int, commit 3c74225717; v4.0.5, v4.1.8, v4.2.8, v4.3.5 alike).
/// </summary>
[Releases("3.10", "3.13", "4.2")]
public sealed class DefinitionImportFailureTests : ManagementTestBase
{
    private bool AnswersTerms => Profile.DefinitionImportReason == DefinitionImportReason.Escaped;

    [Test]
    public async Task A_binding_from_a_missing_exchange_is_skipped_before_3_13_then_stops_the_import()
    {
        var queue = Track(UniqueName("bindfail"));
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/queues/%2F/{Segment(queue)}", "{}");
        var binding = new JsonObject { ["source"] = "mpf-nox", ["vhost"] = "/", ["destination"] = queue, ["destination_type"] = "queue", ["routing_key"] = "k", ["arguments"] = new JsonObject() };

        var response = await SendAsync(HttpMethod.Post, "api/definitions", new JsonObject { ["bindings"] = new JsonArray(binding) });

        if (Profile.DefinitionImportChecksBindings)
        {
            AssertError(response, HttpStatusCode.BadRequest, "bad_request", """{resources_missing,[{not_found,{resource,<<"/">>,exchange,<<"mpf-nox">>}}]}""");
        }
        else
        {
            Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NoContent), response.Body);
        }

        var bindings = await GetJsonAsync($"api/queues/%2F/{Segment(queue)}/bindings");
        Assert.That(bindings.AsArray(), Has.Count.EqualTo(1), "the default exchange's binding alone");
    }

    [Test]
    public async Task A_queue_the_broker_refuses_is_its_protocol_error()
    {
        var queue = UniqueName("ttlfail");
        var entry = new JsonObject { ["name"] = queue, ["durable"] = true, ["auto_delete"] = false, ["arguments"] = new JsonObject { ["x-message-ttl"] = -1 } };
        var text = $"invalid arg 'x-message-ttl' for queue '{queue}' in vhost '/': {{value_negative,-1}}";

        var perVirtualHost = await SendAsync(HttpMethod.Post, "api/definitions/%2F", new JsonObject { ["queues"] = new JsonArray(entry.DeepClone()) });
        entry["vhost"] = "/";
        var full = await SendAsync(HttpMethod.Post, "api/definitions", new JsonObject { ["queues"] = new JsonArray(entry) });

        AssertError(perVirtualHost, HttpStatusCode.BadRequest, "bad_request", $"precondition_failed: {text}");
        AssertReason(full, $"precondition_failed: {text}", new JsonArray("amqp_error", "precondition_failed", CharList(text), "none"));
        await ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/queues/%2F/{Segment(queue)}");
    }

    [Test]
    public async Task A_permission_for_a_missing_user_or_vhost()
    {
        var (user, virtualHost) = (UniqueName("nouser"), UniqueName("novhost"));

        var noUser = await ImportPermissionAsync(user, "/");
        var noVirtualHost = await ImportPermissionAsync("guest", virtualHost);

        AssertReason(noUser, $"{{no_such_user,<<\"{user}\">>}}", new JsonArray("no_such_user", user));
        AssertReason(noVirtualHost, $"Please create virtual host \"{virtualHost}\" prior to importing definitions.", new JsonArray("no_such_vhost", virtualHost));
    }

    /// <summary>rabbit_mgmt_wm_definitions:to_json/2 and accept/2 on vhost <c>not_found</c>, the same from v3.10.8 to v4.3.5.</summary>
    [Test]
    public async Task A_vhost_in_the_path_that_does_not_exist_is_400_on_export_and_404_on_import()
    {
        var virtualHost = Segment(UniqueName("novhost"));

        AssertError(await SendAsync(HttpMethod.Get, $"api/definitions/{virtualHost}"), HttpStatusCode.BadRequest, "bad_request", "vhost_not_found");
        AssertError(await SendAsync(HttpMethod.Post, $"api/definitions/{virtualHost}", "{}"), HttpStatusCode.NotFound, "not_found", "vhost_not_found");
    }

    /// <summary>
    /// 3.10 does not create the vhost and goes on (rabbit_vhost:do_add fails, add_vhost's result is not looked at); 4.2.8
    /// stops with the reason alone (rabbit_definitions:invalid_queue_type_message, #16481); 3.13 to 4.2.7: ours.
    /// </summary>
    [Test]
    public async Task A_vhost_with_an_invalid_default_queue_type()
    {
        var virtualHost = TrackVirtualHost(UniqueName("dqtfail"));
        var entry = new JsonObject { ["name"] = virtualHost, ["metadata"] = new JsonObject { ["default_queue_type"] = "bogus" } };

        var response = await SendAsync(HttpMethod.Post, "api/definitions", new JsonObject { ["vhosts"] = new JsonArray(entry) });

        switch (Profile.VirtualHostQueueTypeCheck)
        {
            case VirtualHostQueueTypeCheck.CreationFails:
                Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NoContent), response.Body);
                break;
            case VirtualHostQueueTypeCheck.Validated:
                Assert.That(response.Json?["reason"]?.GetValue<string>(), Is.EqualTo("bogus is not a valid queue type"), response.Body);
                break;
            default:
                Assert.That(response.Json?["reason"]?.GetValue<string>(), Is.EqualTo($"vhost '{virtualHost}': bogus is not a valid queue type"), response.Body);
                break;
        }

        await ExpectAsync(HttpStatusCode.NotFound, HttpMethod.Get, $"api/vhosts/{Segment(virtualHost)}");
    }

    private Task<ApiResponse> ImportPermissionAsync(string user, string virtualHost) =>
        SendAsync(HttpMethod.Post, "api/definitions", new JsonObject
        {
            ["permissions"] = new JsonArray(new JsonObject { ["user"] = user, ["vhost"] = virtualHost, ["configure"] = ".*", ["write"] = ".*", ["read"] = ".*" }),
        });

    /// <summary>A 400 whose reason is the text, or in 3.10's full import the term.</summary>
    private void AssertReason(ApiResponse response, string text, JsonNode term)
    {
        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.BadRequest), response.Body);
        Assert.That(response.Json?["reason"]?.ToJsonString(), Is.EqualTo(AnswersTerms ? term.ToJsonString() : JsonValue.Create(text).ToJsonString()));
    }

    private static JsonArray CharList(string text) => new([.. text.Select(c => JsonValue.Create((int)c))]);
}
