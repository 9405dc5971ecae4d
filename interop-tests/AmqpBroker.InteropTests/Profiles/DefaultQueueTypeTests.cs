using AmqpBroker.Core.Profiles;

namespace AmqpBroker.InteropTests.Profiles;

/// <summary>
/// A vhost's default queue type (vhost metadata <c>default_queue_type</c>, release-notes/3.10.8.md #5305): set with
/// PUT /api/vhosts (3.10 reads <c>defaultqueuetype</c>; 3.11.12+ <c>default_queue_type</c>), kept, exported, and given to
/// queues declared without <c>x-queue-type</c> (rabbit_amqqueue:augment_declare_args). From 4.0 every such queue
/// records the type it got, classic when the vhost has none. An unknown default fails (3.10) or is refused (4.2.8+, #16481).
/// The 3.10 case also runs against RabbitMQ 3.10.8.
/// </summary>
[Releases("3.10", "4.2")]
public sealed class DefaultQueueTypeTests : ManagementTestBase
{
    private string DefaultQueueTypeKey => Profile.VirtualHostApiTakesDefaultQueueType ? "default_queue_type" : "defaultqueuetype";

    [Test]
    public async Task A_vhost_keeps_the_default_queue_type_it_was_created_with()
    {
        var virtualHost = await CreateVirtualHostAsync(new JsonObject { [DefaultQueueTypeKey] = "classic" });

        var json = await GetJsonAsync($"api/vhosts/{Segment(virtualHost)}");

        Assert.That(json["default_queue_type"]!.GetValue<string>(), Is.EqualTo("classic"));
        Assert.That(json["metadata"]!["default_queue_type"]!.GetValue<string>(), Is.EqualTo("classic"));
    }

    [Test]
    public async Task Without_one_the_vhost_reports_undefined_up_to_3_13_and_classic_from_4_0()
    {
        // 3.10.8 ignores default_queue_type (checked); 4.x reports the node's default (rabbit_queue_type:inject_dqt), in the
        // metadata too (rabbit_vhost:i(metadata) at v4.0.5, commit 6746fbfafe; recorded at creation from 4.1.1).
        var virtualHost = await CreateVirtualHostAsync(Profile.VirtualHostApiTakesDefaultQueueType ? [] : new JsonObject { ["default_queue_type"] = "classic" });

        var json = await GetJsonAsync($"api/vhosts/{Segment(virtualHost)}");

        Assert.That(json["default_queue_type"]!.GetValue<string>(), Is.EqualTo(Profile.RecordsDefaultQueueType ? "classic" : "undefined"));
        Assert.That(json["metadata"]!["default_queue_type"]?.GetValue<string>(), Is.EqualTo(Profile.RecordsDefaultQueueType ? "classic" : null));
    }

    [Test]
    public async Task A_queue_declared_without_a_type_records_the_vhosts_default()
    {
        var virtualHost = await CreateVirtualHostAsync(new JsonObject { [DefaultQueueTypeKey] = "classic" });
        var channel = await ChannelInAsync(virtualHost);
        var queue = UniqueName();

        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);

        Assert.That(await ArgumentsAsync(virtualHost, queue), Is.EqualTo("""{"x-queue-type":"classic"}"""));
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, Args(("x-queue-type", "classic")));
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
    }

    [Test]
    public async Task A_quorum_default_makes_durable_queues_quorum_and_leaves_transient_ones_classic()
    {
        // Short names, so that the whole refusal fits RabbitMQ's 255-byte reply text.
        var virtualHost = await CreateVirtualHostAsync(new JsonObject { [DefaultQueueTypeKey] = "quorum" }, $"dqt.{Guid.NewGuid():N}");
        var channel = await ChannelInAsync(virtualHost);
        var (durable, transient) = ($"dqt.{Guid.NewGuid():N}", $"dqt.{Guid.NewGuid():N}");

        await channel.QueueDeclareAsync(durable, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueDeclareAsync(transient, durable: false, exclusive: true, autoDelete: false);

        var json = await GetJsonAsync($"api/queues/{Segment(virtualHost)}/{Segment(durable)}");
        Assert.That(json["type"]!.GetValue<string>(), Is.EqualTo("quorum"));
        Assert.That(json["arguments"]!.ToJsonString(), Is.EqualTo("""{"x-queue-type":"quorum"}"""));
        // augment_declare_args: quorum does not suit an exclusive queue; 3.10.8 then leaves the arguments alone (checked).
        Assert.That(await ArgumentsAsync(virtualHost, transient), Is.EqualTo(Profile.RecordsDefaultQueueType ? """{"x-queue-type":"classic"}""" : "{}"));
        await channel.QueueDeclareAsync(durable, durable: true, exclusive: false, autoDelete: false);
        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(durable, durable: true, exclusive: false, autoDelete: false, Args(("x-queue-type", "classic"))),
            406,
            $"PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue '{durable}' in vhost '{virtualHost}': received 'classic' but current is 'quorum'");
    }

    [Test]
    public async Task Without_a_vhost_default_only_4_0_and_later_record_classic()
    {
        var virtualHost = await CreateVirtualHostAsync([]);
        var channel = await ChannelInAsync(virtualHost);
        var queue = UniqueName();

        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);

        // rabbit_amqqueue:augment_declare_args at v4.0.1 always sets x-queue-type; 3.10.8 leaves the arguments alone.
        Assert.That(await ArgumentsAsync(virtualHost, queue), Is.EqualTo(Profile.RecordsDefaultQueueType ? """{"x-queue-type":"classic"}""" : "{}"));
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, Args(("x-queue-type", "classic")));
    }

    [Test]
    public async Task Only_3_11_17_and_later_change_the_default_of_an_existing_vhost()
    {
        var virtualHost = await CreateVirtualHostAsync(new JsonObject { [DefaultQueueTypeKey] = "classic" });

        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"api/vhosts/{Segment(virtualHost)}", new JsonObject { [DefaultQueueTypeKey] = "stream" });

        var json = await GetJsonAsync($"api/vhosts/{Segment(virtualHost)}");
        Assert.That(json["default_queue_type"]!.GetValue<string>(), Is.EqualTo(Profile.DefaultQueueTypeUpdatable ? "stream" : "classic"));
    }

    /// <summary>
    /// A new vhost whose default queue type names no queue type is not created: 3.10 fails with a 500 whose error is the
    /// Erlang string "Error occured while adding vhost" (rabbit_vhost:do_add, rabbit_mgmt_wm_vhost at v3.10.8; checked),
    /// 4.2.8 and 4.3.2 refuse it with a 400 (release-notes/4.2.8.md, #16481; rabbit_queue_type:validate_default_queue_type).
    /// </summary>
    [TestCase("bogus", "bogus is not a valid queue type")]
    [TestCase("", "default_queue_type must not be an empty string")]
    public async Task A_vhost_with_an_unknown_default_queue_type_is_not_created(string type, string reason)
    {
        var path = $"api/vhosts/{Segment(TrackVirtualHost(UniqueName("vhost")))}";

        var response = await SendAsync(HttpMethod.Put, path, new JsonObject { [DefaultQueueTypeKey] = type });

        if (Profile.VirtualHostQueueTypeCheck == VirtualHostQueueTypeCheck.CreationFails)
        {
            var error = string.Join(",", "Error occured while adding vhost".Select(c => (int)c));
            Assert.That((response.Status, response.Body), Is.EqualTo((HttpStatusCode.InternalServerError, $$"""{"error":[{{error}}],"reason":"invalid_queue_type"}""")));
        }
        else
        {
            AssertError(response, HttpStatusCode.BadRequest, "bad_request", reason);
        }

        Assert.That((await SendAsync(HttpMethod.Get, path)).Status, Is.EqualTo(HttpStatusCode.NotFound));
    }

    /// <summary>An existing vhost's request: 3.10.8 ignores the key (checked); 4.2.8 refuses the value as for a new vhost.</summary>
    [Test]
    public async Task An_unknown_default_queue_type_for_an_existing_vhost_is_ignored_by_3_10_and_refused_from_4_2_8()
    {
        var virtualHost = await CreateVirtualHostAsync(new JsonObject { [DefaultQueueTypeKey] = "classic" });

        var response = await SendAsync(HttpMethod.Put, $"api/vhosts/{Segment(virtualHost)}", new JsonObject { [DefaultQueueTypeKey] = "bogus" });

        if (Profile.VirtualHostQueueTypeCheck == VirtualHostQueueTypeCheck.Validated)
        {
            AssertError(response, HttpStatusCode.BadRequest, "bad_request", "bogus is not a valid queue type");
        }
        else
        {
            Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NoContent), response.Body);
        }

        Assert.That((await GetJsonAsync($"api/vhosts/{Segment(virtualHost)}"))["default_queue_type"]!.GetValue<string>(), Is.EqualTo("classic"));
    }

    [Test]
    public async Task The_definitions_export_carries_the_default_from_3_13()
    {
        var virtualHost = await CreateVirtualHostAsync(new JsonObject { [DefaultQueueTypeKey] = "classic" });

        var export = await GetJsonAsync("api/definitions");

        // rabbit_mgmt_wm_definitions:rw_state: vhosts [name] up to 3.12 (3.10.8 checked), with their metadata from 3.13.
        var entry = export["vhosts"]!.AsArray().Single(v => v!["name"]!.GetValue<string>() == virtualHost)!;
        Assert.That(entry["metadata"]?["default_queue_type"]?.GetValue<string>(), Is.EqualTo(Profile.DefinitionsExportVirtualHostMetadata ? "classic" : null));
    }

    [Test]
    public async Task An_imported_vhost_takes_the_default_from_its_metadata()
    {
        var virtualHost = TrackVirtualHost(UniqueName("vhost"));
        var document = new JsonObject
        {
            ["vhosts"] = new JsonArray(new JsonObject { ["name"] = virtualHost, ["metadata"] = new JsonObject { ["default_queue_type"] = "classic" } }),
        };

        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Post, "api/definitions", document);

        var json = await GetJsonAsync($"api/vhosts/{Segment(virtualHost)}");
        Assert.That(json["default_queue_type"]!.GetValue<string>(), Is.EqualTo("classic"));
    }

    private async Task<string> CreateVirtualHostAsync(JsonObject body, string? name = null)
    {
        var virtualHost = TrackVirtualHost(name ?? UniqueName("vhost"));
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/vhosts/{Segment(virtualHost)}", body);
        return virtualHost;
    }

    private async Task<IChannel> ChannelInAsync(string virtualHost)
    {
        var connection = await ConnectAsync(factory => factory.VirtualHost = virtualHost);
        return await connection.CreateChannelAsync();
    }

    private async Task<string> ArgumentsAsync(string virtualHost, string queue) =>
        (await GetJsonAsync($"api/queues/{Segment(virtualHost)}/{Segment(queue)}"))["arguments"]!.ToJsonString();
}
