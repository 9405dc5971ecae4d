namespace AmqpBroker.InteropTests.Profiles;

/// <summary>
/// The exchange types later releases build in: <c>x-local-random</c> (4.0, rabbit_exchange_type_local_random) and
/// <c>x-modulus-hash</c> (4.3, rabbit_exchange_type_modulus_hash, release-notes/4.3.0.md #15849). A release
/// without them refuses them as any unknown type (3.10: 503, checked against RabbitMQ 3.10.8).
/// </summary>
[Releases("3.10", "4.0", "4.3")]
public sealed class ExchangeTypeTests : BrokerTestBase
{
    [Test]
    public async Task Local_random_routes_each_message_to_exactly_one_bound_queue()
    {
        if (await DeclareAsync("x-local-random", Profile.LocalRandomExchange) is not var (channel, exchange))
        {
            return;
        }

        var counts = await RouteAsync(channel, exchange, queues: 3, bindingKey: "", routingKey: "any key", messages: 30);

        Assert.That(counts.Sum(), Is.EqualTo(30), "30 messages, one copy each");
    }

    [Test]
    public async Task Local_random_takes_only_classic_queues_bound_with_an_empty_key()
    {
        if (await DeclareAsync("x-local-random", Profile.LocalRandomExchange) is not var (channel, exchange))
        {
            return;
        }

        var queue = await ExclusiveQueueAsync(channel);

        // rabbit_exchange_type_local_random:validate_binding at v4.0.1.
        await ExpectClosedAsync(() => channel.QueueBindAsync(queue, exchange, "key"), 406, "PRECONDITION_FAILED - Non empty binding 'key' key not permitted");
        channel = await OpenChannelAsync();
        var other = TrackExchange(UniqueName("x"));
        await channel.ExchangeDeclareAsync(other, "fanout");
        await ExpectClosedAsync(() => channel.ExchangeBindAsync(other, exchange, ""), 406, "PRECONDITION_FAILED - Destination not found");
    }

    [Test]
    public async Task Modulus_hash_routes_the_same_routing_key_to_the_same_one_destination()
    {
        if (await DeclareAsync("x-modulus-hash", Profile.ModulusHashExchange) is not var (channel, exchange))
        {
            return;
        }

        var counts = await RouteAsync(channel, exchange, queues: 4, bindingKey: "ignored", routingKey: "order-42", messages: 10);

        Assert.That(counts.Sum(), Is.EqualTo(10));
        Assert.That(counts.Count(c => c > 0), Is.EqualTo(1), "one routing key, one destination");
    }

    /// <summary>
    /// A channel and a new exchange of <paramref name="type"/>; null where the release lacks the type, once it was
    /// checked that the release refuses it as it refuses any unknown type.
    /// </summary>
    private async Task<(IChannel Channel, string Exchange)?> DeclareAsync(string type, bool builtIn)
    {
        var channel = await OpenChannelAsync();
        var exchange = TrackExchange(UniqueName("x"));
        if (!builtIn)
        {
            var (code, name) = Profile.UnknownExchangeTypeIsChannelError ? ((ushort)406, "PRECONDITION_FAILED") : ((ushort)503, "COMMAND_INVALID");
            await ExpectClosedAsync(() => channel.ExchangeDeclareAsync(exchange, type), code, $"{name} - unknown exchange type '{type}'");
            return null;
        }

        await channel.ExchangeDeclareAsync(exchange, type);
        return (channel, exchange);
    }

    /// <summary>
    /// Binds <paramref name="queues"/> new queues to <paramref name="exchange"/> with <paramref name="bindingKey"/> and
    /// publishes <paramref name="messages"/> messages with <paramref name="routingKey"/>; what each queue holds once they
    /// hold that many between them, or at <see cref="BrokerTestBase.Timeout"/>.
    /// </summary>
    private static async Task<List<long>> RouteAsync(IChannel channel, string exchange, int queues, string bindingKey, string routingKey, int messages)
    {
        var bound = new List<string>();
        for (var i = 0; i < queues; i++)
        {
            var queue = await ExclusiveQueueAsync(channel);
            await channel.QueueBindAsync(queue, exchange, bindingKey);
            bound.Add(queue);
        }

        for (var i = 0; i < messages; i++)
        {
            await channel.BasicPublishAsync(exchange, routingKey, Encoding.UTF8.GetBytes($"m{i}"));
        }

        var counts = new List<long>();
        await EventuallyAsync(async () => (counts = await CountsAsync(channel, bound)).Sum() >= messages);
        return counts;
    }

    /// <summary>An exclusive queue: 4.3 refuses transient non-exclusive ones by default.</summary>
    private static async Task<string> ExclusiveQueueAsync(IChannel channel) =>
        (await channel.QueueDeclareAsync(UniqueName(), durable: false, exclusive: true, autoDelete: false)).QueueName;

    private static async Task<List<long>> CountsAsync(IChannel channel, List<string> queues)
    {
        var counts = new List<long>();
        foreach (var queue in queues)
        {
            counts.Add(await channel.MessageCountAsync(queue));
        }

        return counts;
    }
}
