namespace AmqpBroker.InteropTests.Management;

/// <summary>/api/exchanges: list, get, declare (PUT), delete (if-unused), publish.</summary>
public sealed class ExchangeEndpointTests : ManagementTestBase
{
    [Test]
    public async Task Put_declares_an_exchange_that_AMQP_clients_then_see()
    {
        var name = TrackExchange(UniqueName("x"));
        var created = await SendAsync(HttpMethod.Put, $"api/exchanges/%2F/{Segment(name)}",
            new JsonObject { ["type"] = "topic", ["durable"] = false, ["auto_delete"] = false, ["arguments"] = new JsonObject { ["alternate-exchange"] = "amq.fanout" } });
        Assert.That(created.Status, Is.EqualTo(HttpStatusCode.Created), created.Body);

        var exchange = await GetJsonAsync($"api/exchanges/%2F/{Segment(name)}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(exchange["name"]!.GetValue<string>(), Is.EqualTo(name));
            Assert.That(exchange["vhost"]!.GetValue<string>(), Is.EqualTo("/"));
            Assert.That(exchange["type"]!.GetValue<string>(), Is.EqualTo("topic"));
            Assert.That(exchange["durable"]!.GetValue<bool>(), Is.False);
            Assert.That(exchange["internal"]!.GetValue<bool>(), Is.False);
            Assert.That(exchange["arguments"]!["alternate-exchange"]!.GetValue<string>(), Is.EqualTo("amq.fanout"));
        }

        var channel = await OpenChannelAsync();
        await channel.ExchangeDeclarePassiveAsync(name);

        // Redeclaring the same is 204; redeclaring differently is RabbitMQ's 400 with the AMQP text.
        var same = await SendAsync(HttpMethod.Put, $"api/exchanges/%2F/{Segment(name)}",
            new JsonObject { ["type"] = "topic", ["arguments"] = new JsonObject { ["alternate-exchange"] = "amq.fanout" } });
        Assert.That(same.Status, Is.EqualTo(HttpStatusCode.NoContent), same.Body);
        var different = await SendAsync(HttpMethod.Put, $"api/exchanges/%2F/{Segment(name)}", new JsonObject { ["type"] = "fanout" });
        AssertError(different, HttpStatusCode.BadRequest, "bad_request", "inequivalent arg 'type'");
    }

    [Test]
    public async Task Put_without_a_body_declares_a_transient_direct_exchange()
    {
        var name = TrackExchange(UniqueName("x"));
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/exchanges/%2F/{Segment(name)}", "{}");
        var exchange = await GetJsonAsync($"api/exchanges/%2F/{Segment(name)}");
        Assert.That((exchange["type"]!.GetValue<string>(), exchange["durable"]!.GetValue<bool>()), Is.EqualTo(("direct", false)));
    }

    [Test]
    public async Task Bad_declarations_are_refused_with_reasons()
    {
        // A name no atom has: RabbitMQ says "invalid exchange type" for a name that is an atom of its VM (rabbit_exchange:check_type).
        var type = UniqueName("nosuch");
        AssertError(await SendAsync(HttpMethod.Put, $"api/exchanges/%2F/{UniqueName("x")}", new JsonObject { ["type"] = type }),
            HttpStatusCode.BadRequest, "bad_request", $"unknown exchange type '{type}'");
        AssertError(await SendAsync(HttpMethod.Put, "api/exchanges/%2F/amq.mine", new JsonObject { ["type"] = "direct" }),
            HttpStatusCode.Unauthorized, "not_authorised");
        AssertError(await SendAsync(HttpMethod.Put, $"api/exchanges/nosuch-vhost-{Guid.NewGuid():N}/x", new JsonObject { ["type"] = "direct" }),
            HttpStatusCode.NotFound, "not_found", "vhost_not_found");
        AssertError(await SendAsync(HttpMethod.Put, $"api/exchanges/%2F/{UniqueName("x")}", new JsonObject { ["type"] = "direct", ["durable"] = "maybe" }),
            HttpStatusCode.BadRequest, "bad_request", "not_boolean");
    }

    [Test]
    public async Task Lists_show_the_predeclared_exchanges_and_the_default_one_as_amq_default()
    {
        var names = (await GetJsonAsync("api/exchanges/%2F")).AsArray().Select(e => e!["name"]!.GetValue<string>()).ToList();
        Assert.That(names, Is.SupersetOf(new[] { "", "amq.direct", "amq.fanout", "amq.headers", "amq.match", "amq.topic" }));
        var all = (await GetJsonAsync("api/exchanges")).AsArray();
        Assert.That(all.Select(e => e!["vhost"]!.GetValue<string>()), Does.Contain("/"));

        var defaultExchange = await GetJsonAsync("api/exchanges/%2F/amq.default");
        Assert.That((defaultExchange["name"]!.GetValue<string>(), defaultExchange["type"]!.GetValue<string>()), Is.EqualTo(("", "direct")));
        AssertError(await SendAsync(HttpMethod.Get, "api/exchanges/%2F/nosuch-exchange"), HttpStatusCode.NotFound, "Object Not Found");
    }

    [Test]
    public async Task Delete_with_if_unused_refuses_a_bound_exchange_and_deletes_an_unbound_one()
    {
        var name = TrackExchange(UniqueName("x"));
        var channel = await OpenChannelAsync();
        await channel.ExchangeDeclareAsync(name, "fanout");
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, name, "");

        AssertError(await SendAsync(HttpMethod.Delete, $"api/exchanges/%2F/{Segment(name)}?if-unused=true"), HttpStatusCode.BadRequest, "bad_request", "in use");
        await channel.QueueUnbindAsync(queue, name, "");
        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Delete, $"api/exchanges/%2F/{Segment(name)}?if-unused=true");
        AssertError(await SendAsync(HttpMethod.Get, $"api/exchanges/%2F/{Segment(name)}"), HttpStatusCode.NotFound, "Object Not Found");
        AssertError(await SendAsync(HttpMethod.Delete, $"api/exchanges/%2F/{Segment(name)}"), HttpStatusCode.NotFound, "Object Not Found");
        AssertError(await SendAsync(HttpMethod.Delete, "api/exchanges/%2F/amq.direct"), HttpStatusCode.Unauthorized, "not_authorised");
    }

    [Test]
    public async Task Publish_answers_whether_the_message_was_routed_and_delivers_it_with_its_properties()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        var routed = await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "api/exchanges/%2F/amq.default/publish", new JsonObject
        {
            ["routing_key"] = queue,
            ["payload"] = "aGVsbG8=",
            ["payload_encoding"] = "base64",
            ["properties"] = new JsonObject { ["content_type"] = "text/plain", ["delivery_mode"] = 2, ["headers"] = new JsonObject { ["n"] = 7 } },
        });
        Assert.That(routed.Json!["routed"]!.GetValue<bool>(), Is.True);

        var message = await channel.BasicGetAsync(queue, autoAck: true);
        Assert.That(message, Is.Not.Null);
        Assert.That(Encoding.UTF8.GetString(message!.Body.Span), Is.EqualTo("hello"));
        Assert.That(message.BasicProperties.ContentType, Is.EqualTo("text/plain"));
        Assert.That(message.BasicProperties.DeliveryMode, Is.EqualTo(DeliveryModes.Persistent));
        Assert.That(Convert.ToInt64(message.BasicProperties.Headers!["n"], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(7));

        var unrouted = await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, "api/exchanges/%2F/amq.direct/publish", new JsonObject
        {
            ["routing_key"] = "nowhere-" + Guid.NewGuid().ToString("N"),
            ["payload"] = "x",
            ["payload_encoding"] = "string",
            ["properties"] = new JsonObject(),
        });
        Assert.That(unrouted.Json!["routed"]!.GetValue<bool>(), Is.False);
    }

    [Test]
    public async Task Publish_refuses_bad_bodies_and_missing_exchanges_with_400()
    {
        var body = new JsonObject { ["routing_key"] = "k", ["payload"] = "x", ["payload_encoding"] = "string", ["properties"] = new JsonObject() };
        AssertError(await SendAsync(HttpMethod.Post, "api/exchanges/%2F/nosuch-exchange/publish", body), HttpStatusCode.BadRequest, "bad_request", "NOT_FOUND");
        AssertError(await SendAsync(HttpMethod.Post, "api/exchanges/%2F/amq.direct/publish", new JsonObject { ["routing_key"] = "k", ["payload"] = "x" }),
            HttpStatusCode.BadRequest, "bad_request");
        AssertError(await SendAsync(HttpMethod.Post, "api/exchanges/%2F/amq.direct/publish",
            new JsonObject { ["routing_key"] = "k", ["payload"] = "!!!", ["payload_encoding"] = "base64", ["properties"] = new JsonObject() }),
            HttpStatusCode.BadRequest, "bad_request", "not_base64");
    }
}
