namespace AmqpBroker.InteropTests.Amqp;

/// <summary>
/// Sender-selected distribution: the CC and BCC headers (arrays of long strings) name more routing keys, routed
/// through the same exchange; each queue gets one copy with the publish's own routing key, and BCC is removed
/// before delivery (rabbit_basic:header_routes at v3.10.8; checked against RabbitMQ 3.10.8 with pika).
/// </summary>
public sealed class SenderSelectedDistributionTests : BrokerTestBase
{
    [Test]
    public async Task Cc_and_bcc_keys_route_copies_and_bcc_is_removed()
    {
        var (channel, exchange, queues) = await DirectExchangeWithQueuesAsync("a", "b", "c", "d");

        await PublishAsync(channel, exchange, "a", Headers(("CC", new List<object?> { "b" }), ("BCC", new List<object?> { "c" }), ("other", "kept")));

        foreach (var queue in new[] { queues["a"], queues["b"], queues["c"] })
        {
            var got = await GetEventuallyAsync(channel, queue);
            var headers = got.BasicProperties.Headers!;
            using (Assert.EnterMultipleScope())
            {
                Assert.That(got.RoutingKey, Is.EqualTo("a"), "every copy keeps the publish's routing key");
                Assert.That(headers.ContainsKey("CC"), Is.True, "CC is delivered");
                Assert.That(headers.ContainsKey("BCC"), Is.False, "BCC is not");
                Assert.That(LongStr(headers["other"]), Is.EqualTo("kept"));
            }
        }

        Assert.That(await channel.MessageCountAsync(queues["d"]), Is.Zero);
    }

    [Test]
    public async Task A_queue_named_twice_gets_one_copy()
    {
        var (channel, exchange, queues) = await DirectExchangeWithQueuesAsync("a", "b");

        await PublishAsync(channel, exchange, "a", Headers(("CC", new List<object?> { "a", "b", "b" })));

        await GetEventuallyAsync(channel, queues["b"]);
        Assert.That(await channel.MessageCountAsync(queues["a"]), Is.EqualTo(1));
        Assert.That(await channel.MessageCountAsync(queues["b"]), Is.Zero);
    }

    [Test]
    public async Task Bcc_alone_reaches_its_queue_without_the_header()
    {
        var (channel, exchange, queues) = await DirectExchangeWithQueuesAsync("d");

        await PublishAsync(channel, exchange, "matches-nothing", Headers(("BCC", new List<object?> { "d" })));

        var got = await GetEventuallyAsync(channel, queues["d"]);
        // RabbitMQ sends an empty table (pika shows {}); RabbitMQ.Client reads it as no headers.
        Assert.That(got.BasicProperties.Headers?.ContainsKey("BCC") ?? false, Is.False);
    }

    [Test]
    public async Task On_the_default_exchange_the_keys_name_queues()
    {
        var channel = await OpenChannelAsync();
        var (a, b, c) = (await DeclareQueueAsync(channel), await DeclareQueueAsync(channel), await DeclareQueueAsync(channel));

        await PublishAsync(channel, string.Empty, a, Headers(("CC", new List<object?> { b }), ("BCC", new List<object?> { c })));

        foreach (var queue in new[] { a, b, c })
        {
            Assert.That((await GetEventuallyAsync(channel, queue)).RoutingKey, Is.EqualTo(a));
        }
    }

    [Test]
    public async Task Lowercase_cc_and_non_string_elements_mean_nothing()
    {
        var (channel, exchange, queues) = await DirectExchangeWithQueuesAsync("a", "b", "c");

        await PublishAsync(channel, exchange, "a", Headers(("cc", new List<object?> { "c" }), ("CC", new List<object?> { "b", 5 })));

        await GetEventuallyAsync(channel, queues["b"]);
        Assert.That(await channel.MessageCountAsync(queues["a"]), Is.EqualTo(1));
        Assert.That(await channel.MessageCountAsync(queues["c"]), Is.Zero);
    }

    [TestCase("CC")]
    [TestCase("BCC")]
    public async Task A_header_that_is_not_an_array_refuses_the_message(string header)
    {
        var (channel, exchange, _) = await DirectExchangeWithQueuesAsync("a");
        var watcher = WatchClose(channel);

        await PublishAsync(channel, exchange, "a", Headers((header, "b")));

        await ExpectClosedAsync(watcher, 406, $"PRECONDITION_FAILED - invalid message: {{unacceptable_type_in_header,\"{header}\",longstr}}");
    }

    /// <summary>A direct exchange with one fresh queue bound per key.</summary>
    private async Task<(IChannel Channel, string Exchange, Dictionary<string, string> Queues)> DirectExchangeWithQueuesAsync(params string[] keys)
    {
        var channel = await OpenChannelAsync();
        var exchange = await DeclareExchangeAsync(channel, "direct");
        var queues = new Dictionary<string, string>();
        foreach (var key in keys)
        {
            queues[key] = await DeclareQueueAsync(channel, key);
            await channel.QueueBindAsync(queues[key], exchange, key);
        }

        return (channel, exchange, queues);
    }

    private static BasicProperties Headers(params (string Name, object? Value)[] headers) =>
        new() { Headers = headers.ToDictionary(h => h.Name, h => h.Value) };

    private static Task PublishAsync(IChannel channel, string exchange, string routingKey, BasicProperties properties) =>
        channel.BasicPublishAsync(exchange, routingKey, mandatory: false, properties, "m"u8.ToArray()).AsTask();
}
