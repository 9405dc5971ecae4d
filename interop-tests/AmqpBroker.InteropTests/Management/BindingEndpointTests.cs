using System.Net;
using System.Text.Json.Nodes;

namespace AmqpBroker.InteropTests.Management;

/// <summary>/api/bindings and the per-exchange and per-queue binding lists.</summary>
public sealed class BindingEndpointTests : ManagementTestBase
{
    [Test]
    public async Task Post_binds_an_exchange_to_a_queue_and_Location_names_the_new_binding()
    {
        var channel = await OpenChannelAsync();
        var exchange = await DeclareExchangeAsync(channel, "direct");
        var queue = await DeclareQueueAsync(channel);

        var path = $"api/bindings/%2F/e/{Segment(exchange)}/q/{Segment(queue)}";
        var created = await ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, path,
            new JsonObject { ["routing_key"] = "a/b#", ["arguments"] = new JsonObject { ["x-mine"] = 1 } });
        var location = created.Headers.Location?.OriginalString;
        Assert.That(location, Does.StartWith(Segment(queue) + "/"));

        // The message flows through the new binding.
        await channel.BasicPublishAsync(exchange, "a/b#", "routed"u8.ToArray());
        Assert.That((await channel.BasicGetAsync(queue, autoAck: true))?.Body.ToArray(), Is.EqualTo("routed"u8.ToArray()));

        var listed = (await GetJsonAsync(path)).AsArray();
        Assert.That(listed, Has.Count.EqualTo(1));
        var binding = listed[0]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(binding["source"]!.GetValue<string>(), Is.EqualTo(exchange));
            Assert.That(binding["destination"]!.GetValue<string>(), Is.EqualTo(queue));
            Assert.That(binding["destination_type"]!.GetValue<string>(), Is.EqualTo("queue"));
            Assert.That(binding["routing_key"]!.GetValue<string>(), Is.EqualTo("a/b#"));
            Assert.That(binding["arguments"]!["x-mine"]!.GetValue<long>(), Is.EqualTo(1));
        }

        // The Location is relative to the list URI and leads to the binding itself.
        var propertiesKey = binding["properties_key"]!.GetValue<string>();
        Assert.That(location, Is.EqualTo($"{Segment(queue)}/{Segment(propertiesKey)}"));
        var single = await GetJsonAsync($"{path}/{Segment(propertiesKey)}");
        Assert.That(single["routing_key"]!.GetValue<string>(), Is.EqualTo("a/b#"));

        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"{path}/{Segment(propertiesKey)}");
        Assert.That((await GetJsonAsync(path)).AsArray(), Is.Empty);
        AssertError(await SendAsync(HttpMethod.Delete, $"{path}/{Segment(propertiesKey)}"), HttpStatusCode.NotFound, "Object Not Found");
    }

    [Test]
    public async Task Exchange_to_exchange_bindings_are_created_listed_and_deleted()
    {
        var channel = await OpenChannelAsync();
        var source = await DeclareExchangeAsync(channel, "topic", what: "src");
        var destination = await DeclareExchangeAsync(channel, "fanout", what: "dst");
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, destination, "");

        var path = $"api/bindings/%2F/e/{Segment(source)}/e/{Segment(destination)}";
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Post, path, new JsonObject { ["routing_key"] = "k.*" });
        await channel.BasicPublishAsync(source, "k.x", "through"u8.ToArray());
        Assert.That(await channel.BasicGetAsync(queue, autoAck: true), Is.Not.Null, "routed through the e2e binding");

        var fromSource = (await GetJsonAsync($"api/exchanges/%2F/{Segment(source)}/bindings/source")).AsArray();
        Assert.That(fromSource.Select(b => (b!["destination"]!.GetValue<string>(), b["destination_type"]!.GetValue<string>())), Is.EqualTo(new[] { (destination, "exchange") }));
        var toDestination = (await GetJsonAsync($"api/exchanges/%2F/{Segment(destination)}/bindings/destination")).AsArray();
        Assert.That(toDestination.Select(b => b!["source"]!.GetValue<string>()), Is.EqualTo(new[] { source }));

        var key = toDestination[0]!["properties_key"]!.GetValue<string>();
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"{path}/{Segment(key)}");
        Assert.That((await GetJsonAsync(path)).AsArray(), Is.Empty);
    }

    [Test]
    public async Task Queue_bindings_include_the_default_exchange_and_the_vhost_list_has_them_all()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        await channel.QueueBindAsync(queue, "amq.topic", "t.#");

        var bindings = (await GetJsonAsync($"api/queues/%2F/{Segment(queue)}/bindings")).AsArray();
        Assert.That(bindings.Select(b => (b!["source"]!.GetValue<string>(), b["routing_key"]!.GetValue<string>())), Is.EqualTo(new[] { ("", queue), ("amq.topic", "t.#") }));
        Assert.That(bindings[0]!["properties_key"]!.GetValue<string>(), Is.EqualTo(Segment(queue)));

        var all = (await GetJsonAsync("api/bindings/%2F")).AsArray();
        Assert.That(all.Count(b => b!["destination"]!.GetValue<string>() == queue), Is.EqualTo(2));
        var everywhere = (await GetJsonAsync("api/bindings")).AsArray();
        Assert.That(everywhere.Count(b => b!["destination"]!.GetValue<string>() == queue), Is.EqualTo(2));
    }

    [Test]
    public async Task Binding_to_missing_ends_or_from_the_default_exchange_is_refused()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        AssertError(await SendAsync(HttpMethod.Post, $"api/bindings/%2F/e/nosuch-exchange/q/{Segment(queue)}", "{}"),
            HttpStatusCode.NotFound, "not_found", "no exchange 'nosuch-exchange' in vhost '/'");
        AssertError(await SendAsync(HttpMethod.Post, "api/bindings/%2F/e/amq.direct/q/nosuch-queue", "{}"),
            HttpStatusCode.NotFound, "not_found", "no queue 'nosuch-queue' in vhost '/'");
        AssertError(await SendAsync(HttpMethod.Post, $"api/bindings/%2F/e/amq.default/q/{Segment(queue)}", "{}"),
            HttpStatusCode.Unauthorized, "not_authorised");
        AssertError(await SendAsync(HttpMethod.Post, $"api/bindings/nosuch-vhost-{Guid.NewGuid():N}/e/amq.direct/q/{Segment(queue)}", "{}"),
            HttpStatusCode.NotFound, "not_found", "vhost_not_found");
        if (!IsExternal)
        {
            // RabbitMQ 3.10 binds with whatever a non-string routing key turns into; we refuse it.
            AssertError(await SendAsync(HttpMethod.Post, $"api/bindings/%2F/e/amq.direct/q/{Segment(queue)}", new JsonObject { ["routing_key"] = 5 }),
                HttpStatusCode.BadRequest, "bad_request");
        }
    }
}
