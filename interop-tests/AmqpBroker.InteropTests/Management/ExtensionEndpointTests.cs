namespace AmqpBroker.InteropTests.Management;

/// <summary>
/// The admin API's AmqpBroker extensions the web page uses, which RabbitMQ does not have: the routing test
/// (POST /api/exchanges/{vhost}/{name}/routing-test) and moving messages (POST /api/queues/{vhost}/{name}/move).
/// </summary>
[TestFixture]
[OwnBrokerOnly("AmqpBroker extensions: RabbitMQ has no routing test and moves messages with a shovel")]
public sealed class ExtensionEndpointTests : ManagementTestBase
{
    [Test]
    public async Task Routing_test_follows_exchange_bindings_and_the_alternate_exchange_and_publishes_nothing()
    {
        var channel = await OpenChannelAsync();
        var (topic, alternate, onward) = (TrackExchange(UniqueName("topic")), TrackExchange(UniqueName("ae")), TrackExchange(UniqueName("onward")));
        await channel.ExchangeDeclareAsync(alternate, ExchangeType.Fanout);
        await channel.ExchangeDeclareAsync(onward, ExchangeType.Fanout);
        await channel.ExchangeDeclareAsync(topic, ExchangeType.Topic, arguments: new Dictionary<string, object?> { ["alternate-exchange"] = alternate });
        var (direct, viaExchange, unrouted) = (await DeclareQueueAsync(channel, "a"), await DeclareQueueAsync(channel, "c"), await DeclareQueueAsync(channel, "b"));
        await channel.QueueBindAsync(direct, topic, "a.*");
        await channel.ExchangeBindAsync(onward, topic, "a.#");
        await channel.QueueBindAsync(viaExchange, onward, "");
        await channel.QueueBindAsync(unrouted, alternate, "");

        var routed = await RouteAsync(topic, "a.b");
        var fallback = await RouteAsync(topic, "z");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(routed["routed"]!.GetValue<bool>(), Is.True);
            Assert.That(Names(routed), Is.EquivalentTo(new[] { direct, viaExchange }));
            Assert.That(Names(fallback), Is.EqualTo(new[] { unrouted }));
            Assert.That((await GetJsonAsync($"api/queues/%2F/{Segment(direct)}"))["messages"]!.GetValue<long>(), Is.Zero);
        }
    }

    [Test]
    public async Task Routing_test_matches_headers_and_answers_404_for_an_unknown_exchange()
    {
        var channel = await OpenChannelAsync();
        var headers = TrackExchange(UniqueName("headers"));
        await channel.ExchangeDeclareAsync(headers, ExchangeType.Headers);
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, headers, "", new Dictionary<string, object?> { ["x-match"] = "all", ["kind"] = "invoice" });

        var matching = await RouteAsync(headers, "", new JsonObject { ["kind"] = "invoice" });
        var other = await RouteAsync(headers, "", new JsonObject { ["kind"] = "order" });
        var missing = await SendAsync(HttpMethod.Post, $"api/exchanges/%2F/{Segment(UniqueName("none"))}/routing-test", new JsonObject());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Names(matching), Is.EqualTo(new[] { queue }));
            Assert.That(other["routed"]!.GetValue<bool>(), Is.False);
            Assert.That(missing.Status, Is.EqualTo(HttpStatusCode.NotFound));
        }
    }

    [Test]
    public async Task Move_takes_the_oldest_messages_to_another_queue_keeping_their_properties()
    {
        var channel = await OpenChannelAsync();
        var (source, destination) = (await DeclareQueueAsync(channel, "source"), await DeclareQueueAsync(channel, "destination"));
        for (var i = 1; i <= 5; i++)
        {
            var properties = new BasicProperties { Headers = new Dictionary<string, object?> { ["n"] = i }, MessageId = $"m{i}" };
            await channel.BasicPublishAsync("", source, mandatory: false, properties, Encoding.UTF8.GetBytes($"body {i}"));
        }

        await WaitForReadyAsync(source, 5);
        var moved = await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/queues/%2F/{Segment(source)}/move", new JsonObject { ["destination"] = destination, ["count"] = 3 });
        var first = await channel.BasicGetAsync(destination, autoAck: true);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(moved.Json!["moved"]!.GetValue<long>(), Is.EqualTo(3));
            Assert.That((await GetJsonAsync($"api/queues/%2F/{Segment(source)}"))["messages"]!.GetValue<long>(), Is.EqualTo(2));
            Assert.That(first?.BasicProperties.MessageId, Is.EqualTo("m1"));
            Assert.That(first?.BasicProperties.Headers?["n"], Is.EqualTo(1));
            Assert.That(Text(first!.Body), Is.EqualTo("body 1"));
        }

        var rest = await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/queues/%2F/{Segment(source)}/move", new JsonObject { ["destination"] = destination });
        Assert.That(rest.Json!["moved"]!.GetValue<long>(), Is.EqualTo(2));
        await WaitForReadyAsync(destination, 4);
    }

    [Test]
    public async Task Move_refuses_an_unknown_destination_the_source_itself_and_a_user_without_write_permission()
    {
        var channel = await OpenChannelAsync();
        var (source, destination) = (await DeclareQueueAsync(channel, "source"), await DeclareQueueAsync(channel, "destination"));
        var (user, password) = await CreateUserAsync("management", permissions: false);
        await SetPermissionsAsync(user, "/", write: "^$");
        var limited = CreateClient(user, password);

        AssertError(await SendAsync(HttpMethod.Post, $"api/queues/%2F/{Segment(source)}/move", new JsonObject { ["destination"] = UniqueName("none") }), HttpStatusCode.BadRequest, "bad_request", "no queue");
        AssertError(await SendAsync(HttpMethod.Post, $"api/queues/%2F/{Segment(source)}/move", new JsonObject { ["destination"] = source }), HttpStatusCode.BadRequest, "bad_request", "source");
        AssertError(await SendAsync(HttpMethod.Post, $"api/queues/%2F/{Segment(source)}/move", new JsonObject { ["destination"] = destination }, limited), HttpStatusCode.Unauthorized, "not_authorised");
    }

    private async Task<JsonNode> RouteAsync(string exchange, string routingKey, JsonObject? headers = null) =>
        (await ExpectAsync(HttpStatusCode.OK, HttpMethod.Post, $"api/exchanges/%2F/{Segment(exchange)}/routing-test",
            new JsonObject { ["routing_key"] = routingKey, ["properties"] = new JsonObject { ["headers"] = headers ?? [] } })).Json!;

    private static List<string> Names(JsonNode answer) => [.. answer["queues"]!.AsArray().Select(q => q!["name"]!.GetValue<string>())];
}
