namespace AmqpBroker.InteropTests.Profiles;

/// <summary>
/// RabbitMQ 4.3.5 limits a topic binding key to two '#' wildcards (release-notes/4.3.5.md, #17039):
/// rabbit_exchange_type_topic:validate_binding counts the words that are exactly '#', and rabbit_channel:binding_action
/// turns its binding_invalid into 406 PRECONDITION_FAILED for queue.bind and exchange.bind alike, judged by the source
/// exchange's type (rabbit_binding:binding_checks); the management API answers 400 with the same text
/// (rabbit_mgmt_util:direct_request). No 4.2.x release has it. The 3.10 case also runs against RabbitMQ 3.10.8.
/// </summary>
[Releases("3.10", "4.2", "4.3")]
public sealed class TopicBindingLimitTests : ManagementTestBase
{
    private const string ThreeHashes = "a.#.#.#";

    private bool Limited => Profile.TopicBindingMaxHashWildcards is not null;

    [Test]
    public async Task Queue_bind_with_three_hash_words_is_refused_from_4_3_5()
    {
        var (channel, exchange, queue) = await TopicAndQueueAsync();

        if (Limited)
        {
            var close = await ExpectClosedAsync(() => channel.QueueBindAsync(queue, exchange, ThreeHashes), 406, $"PRECONDITION_FAILED - {Refusal(ThreeHashes, 3)}");
            AssertFailedMethod(close, 50, 20);
            return;
        }

        await channel.QueueBindAsync(queue, exchange, ThreeHashes);
        await channel.BasicPublishAsync(exchange, "a.b", Encoding.UTF8.GetBytes("m"));
        Assert.That(Encoding.UTF8.GetString((await GetEventuallyAsync(channel, queue)).Body.Span), Is.EqualTo("m"));
    }

    [Test]
    public async Task Exchange_bind_from_a_topic_exchange_has_the_same_limit()
    {
        var (channel, source, _) = await TopicAndQueueAsync();
        var destination = await DeclareExchangeAsync(channel, ExchangeType.Topic, what: "dst");

        if (Limited)
        {
            var close = await ExpectClosedAsync(() => channel.ExchangeBindAsync(destination, source, "#.#.#"), 406, $"PRECONDITION_FAILED - {Refusal("#.#.#", 3)}");
            AssertFailedMethod(close, 40, 30);
            return;
        }

        await channel.ExchangeBindAsync(destination, source, "#.#.#");
    }

    /// <summary>
    /// The type's validation comes before the queue's exclusivity (rabbit_binding:binding_checks at v4.3.5): to another
    /// connection's exclusive queue the key is 406 from 4.3.5 and 405 RESOURCE_LOCKED before.
    /// </summary>
    [Test]
    public async Task To_another_connections_exclusive_queue_the_limit_is_406_before_the_queue_is_405()
    {
        var owner = await OpenChannelAsync();
        var exchange = await DeclareExchangeAsync(owner, ExchangeType.Topic);
        var queue = (await owner.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: false)).QueueName;
        var other = await OpenChannelAsync();

        var close = await ExpectOperationInterruptedAsync(() => other.QueueBindAsync(queue, exchange, ThreeHashes));

        Assert.That(close.ReplyCode, Is.EqualTo(Limited ? 406 : 405));
    }

    [Test]
    public async Task Two_hash_words_and_hashes_inside_words_are_accepted_and_route()
    {
        var (channel, exchange, queue) = await TopicAndQueueAsync();

        await channel.QueueBindAsync(queue, exchange, "#.a.#");
        await channel.QueueBindAsync(queue, exchange, "#.a#.##.#");
        await channel.BasicPublishAsync(exchange, "x.a.y", Encoding.UTF8.GetBytes("m"));

        Assert.That(Encoding.UTF8.GetString((await GetEventuallyAsync(channel, queue)).Body.Span), Is.EqualTo("m"));
    }

    [Test]
    public async Task The_management_api_answers_400_with_the_same_text()
    {
        var (_, exchange, queue) = await TopicAndQueueAsync();
        var path = $"api/bindings/%2F/e/{Segment(exchange)}/q/{Segment(queue)}";

        var response = await SendAsync(HttpMethod.Post, path, new JsonObject { ["routing_key"] = "#.#.#" });

        if (Limited)
        {
            AssertError(response, HttpStatusCode.BadRequest, "bad_request", Refusal("#.#.#", 3));
            return;
        }

        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.Created), response.Body);
    }

    /// <summary>rabbit_exchange_type_topic:validate_binding's text.</summary>
    private static string Refusal(string key, int count) =>
        $"Topic binding key '{key}' uses {count} '#' wildcards, at most 2 are allowed";

    private async Task<(IChannel Channel, string Exchange, string Queue)> TopicAndQueueAsync()
    {
        var channel = await OpenChannelAsync();
        var exchange = await DeclareExchangeAsync(channel, ExchangeType.Topic);
        return (channel, exchange, await DeclareQueueAsync(channel));
    }
}
