namespace AmqpBroker.InteropTests.Shovels;

/// <summary>
/// Shovel keys and values that releases check differently, on every profile and against RabbitMQ 3.10.8 at
/// <c>MANAGEMENT_URI</c>: <c>internal</c> and <c>internal_owner</c> are unknown terms until 4.1.8 and checked from 4.2.0
/// (rabbit_shovel_parameters:shovel_validation, validate_internal_owner), and an internal shovel is not deleted through
/// <c>/api/shovels</c> (405 <c>Protected</c>: rabbit_shovel_util:delete_shovel, rabbit_shovel_mgmt_shovel:delete_resource at
/// v4.2.0 to v4.3.5); a <c>dest-queue</c> over 255 bytes is refused on every release (rabbit_parameter_validation:
/// amqp091_queue_name, checked against RabbitMQ 3.10.8); the values of known arguments are checked from 4.2.5
/// (rabbit_shovel_util:validate_amqp_table_args at v4.2.9 and v4.3.5) and pass before (checked against RabbitMQ 3.10.8).
/// </summary>
[Releases("3.10", "4.1", "4.2", "4.3")]
public sealed class ShovelKeysTests : ShovelTestBase
{
    [Test]
    public async Task Internal_keys_are_unknown_terms_before_4_2_and_checked_from_it()
    {
        var name = UniqueName("internal");
        var value = Ends(new JsonObject { ["internal"] = "yes" });

        var response = await SendAsync(HttpMethod.Put, $"api/parameters/shovel/%2F/{name}", new JsonObject { ["value"] = value });

        AssertValidationFailed(response, Profile.ShovelInternalKeys
            ? "internal should be boolean, actually was <<\"yes\">>"
            : $"Unrecognised terms [{{<<\"internal\">>,<<\"yes\">>}}] in {name}");
    }

    [Test]
    public async Task From_4_2_an_internal_shovel_is_not_deleted_through_the_shovel_api()
    {
        if (!Profile.ShovelInternalKeys)
        {
            Assert.Ignore("internal shovels are 4.2.0's");
        }

        var name = UniqueName("owned");
        var owner = new JsonObject { ["name"] = "orders", ["kind"] = "queue", ["virtual_host"] = "/" };
        var value = Ends(new JsonObject { ["internal"] = true, ["internal_owner"] = owner, ["reconnect-delay"] = 3600 });
        TrackShovel(name);
        await ShovelRig.PutShovelAsync(Http, name, value);
        await ShovelRig.WaitForStateAsync(Http, name, "running", Timeout);

        var refused = await SendAsync(HttpMethod.Delete, $"api/shovels/vhost/%2F/{name}");

        Assert.That((refused.Status, refused.ContentType, refused.Body), Is.EqualTo((HttpStatusCode.MethodNotAllowed, "text/plain", "Protected")));
        Assert.That((await ShovelRig.StatusAsync(Http, name))?["state"]?.GetValue<string>(), Is.EqualTo("running"), "still there");
        var parameter = await GetJsonAsync($"api/parameters/shovel/%2F/{name}");
        Assert.That(parameter["value"]!["internal_owner"]!.ToJsonString(), Is.EqualTo("""{"kind":"queue","name":"orders","virtual_host":"/"}"""), "a map, whose keys come in order");

        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/parameters/shovel/%2F/{name}");
        await ShovelRig.WaitUntilAsync(async () => await ShovelRig.StatusAsync(Http, name) is null, "the shovel to go with its parameter", Timeout);
    }

    [Test]
    public async Task A_dest_queue_over_255_bytes_is_refused_on_every_release()
    {
        var name = UniqueName("long");
        var value = Ends(new JsonObject { ["dest-queue"] = "é" + new string('q', 254) });

        var response = await SendAsync(HttpMethod.Put, $"api/parameters/shovel/%2F/{name}", new JsonObject { ["value"] = value });

        AssertValidationFailed(response, "dest-queue should be less than 255 bytes, actually was 256");
    }

    [Test]
    public async Task Values_of_known_arguments_are_checked_from_4_2_5()
    {
        var name = UniqueName("args");
        var value = Ends(new JsonObject
        {
            ["src-queue-args"] = new JsonObject { ["x-max-length"] = -1, ["x-overflow"] = "drop-tail" },
            ["src-consumer-args"] = new JsonObject { ["x-priority"] = "high" },
            ["reconnect-delay"] = 3600,
        });

        var response = await SendAsync(HttpMethod.Put, $"api/parameters/shovel/%2F/{name}", new JsonObject { ["value"] = value });

        if (Profile.ShovelArgumentsAsTables)
        {
            AssertValidationFailed(response, "invalid arg 'x-priority' in src-consumer-args: \"expected integer, got longstr\"\n"
                + "invalid arg 'x-max-length' in src-queue-args: {value_negative,-1}\ninvalid arg 'x-overflow' in src-queue-args: invalid_overflow");
        }
        else
        {
            TrackShovel(name);
            Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Created), "known arguments pass whatever their value: " + response.Body);
        }
    }

    /// <summary>A shovel between two new queues of this broker, with <paramref name="keys"/> added.</summary>
    private JsonObject Ends(JsonObject keys)
    {
        var value = new JsonObject { ["src-uri"] = "amqp://", ["src-queue"] = Track(UniqueName("src")), ["dest-uri"] = "amqp://", ["dest-queue"] = Track(UniqueName("dst")) };
        foreach (var (key, node) in keys.ToList())
        {
            keys.Remove(key);
            value[key] = node;
        }

        return value;
    }
}
