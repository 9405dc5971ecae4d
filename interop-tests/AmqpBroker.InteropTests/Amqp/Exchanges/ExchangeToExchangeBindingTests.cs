namespace AmqpBroker.InteropTests.Amqp.Exchanges;

/// <summary>exchange.bind/unbind: routing from source to destination, chains, loops, self-bindings and errors.</summary>
public sealed class ExchangeToExchangeBindingTests : BrokerTestBase
{
    [Test]
    public async Task An_exchange_binding_routes_from_source_to_destination_and_unbind_stops_it()
    {
        var channel = await OpenConfirmChannelAsync();
        var source = await DeclareExchangeAsync(channel, "direct", what: "src");
        var destination = await DeclareExchangeAsync(channel, "topic", what: "dst");
        await channel.ExchangeBindAsync(destination, source, "a.b");
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, destination, "a.*");

        await PublishConfirmedAsync(channel, source, "a.b", "1");
        await PublishConfirmedAsync(channel, source, "a.c", "not bound at the source");
        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1u));

        await channel.ExchangeUnbindAsync(destination, source, "a.b");
        await PublishConfirmedAsync(channel, source, "a.b", "2");
        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1u));
    }

    [Test]
    public async Task A_chain_of_exchange_bindings_delivers()
    {
        var channel = await OpenConfirmChannelAsync();
        var exchanges = new[] { UniqueName("x1"), UniqueName("x2"), UniqueName("x3"), UniqueName("x4") };
        foreach (var exchange in exchanges)
        {
            await channel.ExchangeDeclareAsync(TrackExchange(exchange), "fanout");
        }

        for (var i = 1; i < exchanges.Length; i++)
        {
            await channel.ExchangeBindAsync(exchanges[i], exchanges[i - 1], string.Empty);
        }

        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, exchanges[^1], string.Empty);

        await PublishConfirmedAsync(channel, exchanges[0], "k", "m");

        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1u));
    }

    [Test]
    public async Task A_loop_of_exchange_bindings_delivers_each_message_once()
    {
        var channel = await OpenConfirmChannelAsync();
        var x1 = await DeclareExchangeAsync(channel, "fanout", what: "x1");
        var x2 = await DeclareExchangeAsync(channel, "fanout", what: "x2");
        await channel.ExchangeBindAsync(x2, x1, string.Empty);
        await channel.ExchangeBindAsync(x1, x2, string.Empty);
        var q1 = await DeclareQueueAsync(channel, "q1");
        var q2 = await DeclareQueueAsync(channel, "q2");
        await channel.QueueBindAsync(q1, x1, string.Empty);
        await channel.QueueBindAsync(q2, x2, string.Empty);

        await PublishConfirmedAsync(channel, x1, string.Empty, "a");
        await PublishConfirmedAsync(channel, x2, string.Empty, "b");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await channel.MessageCountAsync(q1), Is.EqualTo(2u));
            Assert.That(await channel.MessageCountAsync(q2), Is.EqualTo(2u));
        }
    }

    [Test]
    public async Task An_exchange_bound_to_itself_routes_once()
    {
        var channel = await OpenConfirmChannelAsync();
        var exchange = await DeclareExchangeAsync(channel, "fanout");
        await channel.ExchangeBindAsync(exchange, exchange, string.Empty);
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, exchange, string.Empty);

        await PublishConfirmedAsync(channel, exchange, string.Empty, "m");

        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1u));
    }

    [Test]
    public async Task A_queue_reached_by_several_paths_gets_one_copy()
    {
        var channel = await OpenConfirmChannelAsync();
        var top = await DeclareExchangeAsync(channel, "topic", what: "top");
        var left = await DeclareExchangeAsync(channel, "fanout", what: "left");
        var right = await DeclareExchangeAsync(channel, "direct", what: "right");
        await channel.ExchangeBindAsync(left, top, "a.*");
        await channel.ExchangeBindAsync(left, top, "#");
        await channel.ExchangeBindAsync(right, top, "a.b");
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, top, "a.b");
        await channel.QueueBindAsync(queue, top, "*.b");
        await channel.QueueBindAsync(queue, left, string.Empty);
        await channel.QueueBindAsync(queue, right, "a.b");

        await PublishConfirmedAsync(channel, top, "a.b", "m");

        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1u));
    }

    [Test]
    public async Task Exchange_bind_with_a_missing_exchange_is_404_naming_the_source_when_both_are()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var existing = await DeclareExchangeAsync(channel, "fanout");
        var missing = UniqueName("missing");

        await ExpectClosedAsync(() => channel.ExchangeBindAsync(existing, missing, string.Empty), 404, $"NOT_FOUND - no exchange '{missing}' {InDefaultVhost}");
        channel = await connection.CreateChannelAsync();
        await ExpectClosedAsync(() => channel.ExchangeBindAsync(missing, existing, string.Empty), 404, $"NOT_FOUND - no exchange '{missing}' {InDefaultVhost}");

        // Both missing: RabbitMQ looks the source up first and names it (rabbit_binding:call_with_source_and_destination
        // at v3.10.8, rabbit_db_binding:not_found at v4.3.5; checked against RabbitMQ 3.10.8).
        channel = await connection.CreateChannelAsync();
        await ExpectClosedAsync(() => channel.ExchangeBindAsync(UniqueName("missing-dst"), missing, string.Empty), 404, $"NOT_FOUND - no exchange '{missing}' {InDefaultVhost}");
    }

    [Test]
    public async Task Exchange_unbind_of_a_binding_or_exchange_that_does_not_exist_succeeds()
    {
        var channel = await OpenChannelAsync();
        var source = await DeclareExchangeAsync(channel, "direct", what: "src");
        var destination = await DeclareExchangeAsync(channel, "direct", what: "dst");

        await channel.ExchangeUnbindAsync(destination, source, "never-bound");
        await channel.ExchangeUnbindAsync(UniqueName("missing"), source, "k");
        await channel.ExchangeUnbindAsync(destination, UniqueName("missing"), "k");

        Assert.That(channel.IsOpen, Is.True);
    }

    [Test]
    public async Task Exchange_bindings_with_the_default_exchange_are_refused()
    {
        var connection = await ConnectAsync();
        var exchange = TrackExchange(UniqueName("x"));
        var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(exchange, "fanout");

        await ExpectClosedAsync(() => channel.ExchangeBindAsync(exchange, string.Empty, "k"), 403, "ACCESS_REFUSED - operation not permitted on the default exchange");
        channel = await connection.CreateChannelAsync();
        await ExpectClosedAsync(() => channel.ExchangeBindAsync(string.Empty, exchange, "k"), 403, "ACCESS_REFUSED - operation not permitted on the default exchange");
    }
}
