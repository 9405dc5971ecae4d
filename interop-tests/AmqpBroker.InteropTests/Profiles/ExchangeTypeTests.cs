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

        var queues = await BoundQueuesAsync(channel, exchange, 3, routingKey: "");
        for (var i = 0; i < 30; i++)
        {
            await channel.BasicPublishAsync(exchange, "any key", Encoding.UTF8.GetBytes($"m{i}"));
        }

        Assert.That(await EventuallyAsync(async () => (await CountsAsync(channel, queues)).Sum() == 30), Is.True, "30 messages, one copy each");
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

        var queues = await BoundQueuesAsync(channel, exchange, 4, routingKey: "ignored");
        for (var i = 0; i < 10; i++)
        {
            await channel.BasicPublishAsync(exchange, "order-42", Encoding.UTF8.GetBytes($"same{i}"));
        }

        Assert.That(await EventuallyAsync(async () => (await CountsAsync(channel, queues)).Sum() == 10), Is.True);
        Assert.That((await CountsAsync(channel, queues)).Count(c => c > 0), Is.EqualTo(1), "one routing key, one destination");
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

    private static async Task<List<string>> BoundQueuesAsync(IChannel channel, string exchange, int count, string routingKey)
    {
        var queues = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var queue = await ExclusiveQueueAsync(channel);
            await channel.QueueBindAsync(queue, exchange, routingKey);
            queues.Add(queue);
        }

        return queues;
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
