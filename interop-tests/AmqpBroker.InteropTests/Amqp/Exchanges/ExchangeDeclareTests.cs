namespace AmqpBroker.InteropTests.Amqp.Exchanges;

/// <summary>
/// exchange.declare: the four types, the predeclared amq.* exchanges, reserved names, unknown types,
/// redeclare equivalence and passive declares, with RabbitMQ's reply codes and texts. Once per release where
/// the unknown type's answer differs: a connection error (503) in 3.10, a channel error (406) from 3.13.3
/// (release-notes/3.13.3.md, Core Server bug fixes, #11215).
/// </summary>
[Releases("3.10", "4.2")]
public sealed class ExchangeDeclareTests : BrokerTestBase
{
    [TestCase("direct")]
    [TestCase("fanout")]
    [TestCase("topic")]
    [TestCase("headers")]
    public async Task Declares_each_exchange_type(string type)
    {
        var channel = await OpenChannelAsync();
        var exchange = TrackExchange(UniqueName("x"));

        await channel.ExchangeDeclareAsync(exchange, type);
        await channel.ExchangeDeclarePassiveAsync(exchange);
        await channel.ExchangeDeclareAsync(exchange, type);

        // The redeclare with another type proves which type the exchange got.
        var other = type == "direct" ? "fanout" : "direct";
        await ExpectClosedAsync(() => channel.ExchangeDeclareAsync(exchange, other), 406, $"PRECONDITION_FAILED - inequivalent arg 'type' for exchange '{exchange}' {InDefaultVhost}: received '{other}' but current is '{type}'");
    }

    [TestCase("direct", "k", "k", true)]
    [TestCase("direct", "k", "K", false)]
    [TestCase("fanout", "", "anything", true)]
    [TestCase("topic", "a.*", "a.b", true)]
    [TestCase("topic", "a.*", "a.b.c", false)]
    public async Task Each_exchange_type_routes_by_its_rule(string type, string bindingKey, string routingKey, bool routed)
    {
        var channel = await OpenConfirmChannelAsync();
        var exchange = await DeclareExchangeAsync(channel, type);
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, exchange, bindingKey);

        await PublishConfirmedAsync(channel, exchange, routingKey, "m");

        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(routed ? 1u : 0u));
    }

    [TestCase("amq.direct", "direct")]
    [TestCase("amq.fanout", "fanout")]
    [TestCase("amq.topic", "topic")]
    [TestCase("amq.headers", "headers")]
    [TestCase("amq.match", "headers")]
    public async Task Predeclared_exchanges_exist_with_their_types(string exchange, string type)
    {
        var channel = await OpenChannelAsync();

        await channel.ExchangeDeclarePassiveAsync(exchange);
        // An equivalent redeclare is accepted: the reserved prefix is only checked when creating.
        await channel.ExchangeDeclareAsync(exchange, type, durable: true);

        var other = type == "direct" ? "topic" : "direct";
        await ExpectClosedAsync(() => channel.ExchangeDeclareAsync(exchange, other, durable: true), 406, $"PRECONDITION_FAILED - inequivalent arg 'type' for exchange '{exchange}' {InDefaultVhost}: received '{other}' but current is '{type}'");
    }

    [Test]
    public async Task Predeclared_exchanges_are_durable()
    {
        var channel = await OpenChannelAsync();

        await ExpectClosedAsync(() => channel.ExchangeDeclareAsync("amq.direct", "direct", durable: false), 406, $"PRECONDITION_FAILED - inequivalent arg 'durable' for exchange 'amq.direct' {InDefaultVhost}: received 'false' but current is 'true'");
    }

    [Test]
    public async Task Declaring_a_new_exchange_with_the_amq_prefix_is_refused()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var exchange = "amq." + UniqueName("x");

        await ExpectClosedAsync(() => channel.ExchangeDeclareAsync(exchange, "direct"), 403, $"ACCESS_REFUSED - exchange name '{exchange}' contains reserved prefix 'amq.*'");
        Assert.That(connection.IsOpen, Is.True, "a channel error");

        var probe = await connection.CreateChannelAsync();
        var missing = await ExpectOperationInterruptedAsync(() => probe.ExchangeDeclarePassiveAsync(exchange));
        Assert.That(missing.ReplyCode, Is.EqualTo(404), "nothing was created");
    }

    [Test]
    public async Task An_unknown_exchange_type_is_refused_as_the_release_refuses_it()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var exchange = TrackExchange(UniqueName("x"));

        await ExpectUnknownTypeAsync(() => channel.ExchangeDeclareAsync(exchange, "no-such-type"));

        Assert.That(await EventuallyAsync(() => Task.FromResult(!channel.IsOpen)), Is.True);
        Assert.That(connection.IsOpen, Is.Not.EqualTo(!Profile.UnknownExchangeTypeIsChannelError), "only 503 closes the connection");
        Assert.That(await ExchangeExistsAsync(await ConnectAsync(), exchange), Is.False);
    }

    [Test]
    public async Task An_unknown_type_is_refused_even_for_an_existing_exchange()
    {
        var setup = await OpenChannelAsync();
        var exchange = TrackExchange(UniqueName("x"));
        await setup.ExchangeDeclareAsync(exchange, "direct");
        var channel = await OpenChannelAsync();

        await ExpectUnknownTypeAsync(() => channel.ExchangeDeclareAsync(exchange, "no-such-type"));
    }

    /// <summary>The release's answer to exchange.declare of the type <c>no-such-type</c> (rabbit_exchange:check_type).</summary>
    private Task<ShutdownEventArgs> ExpectUnknownTypeAsync(Func<Task> declare) => Profile.UnknownExchangeTypeIsChannelError
        ? ExpectClosedAsync(declare, 406, "PRECONDITION_FAILED - unknown exchange type 'no-such-type'")
        : ExpectClosedAsync(declare, 503, "COMMAND_INVALID - unknown exchange type 'no-such-type'");

    [TestCase("durable", true, false, "received 'true' but current is 'false'")]
    [TestCase("auto_delete", false, false, "received 'false' but current is 'true'")]
    public async Task Redeclaring_with_other_flags_fails(string field, bool durable, bool autoDelete, string detail)
    {
        var channel = await OpenChannelAsync();
        var exchange = TrackExchange(UniqueName("x"));
        await channel.ExchangeDeclareAsync(exchange, "direct", durable: false, autoDelete: field == "auto_delete");

        await ExpectClosedAsync(() => channel.ExchangeDeclareAsync(exchange, "direct", durable, autoDelete), 406, $"PRECONDITION_FAILED - inequivalent arg '{field}' for exchange '{exchange}' {InDefaultVhost}: {detail}");

        Assert.That(await ExchangeExistsAsync(await ConnectAsync(), exchange), Is.True, "the exchange is left as it was");
    }

    [Test]
    public async Task The_type_is_compared_before_the_flags()
    {
        var channel = await OpenChannelAsync();
        var exchange = TrackExchange(UniqueName("x"));
        await channel.ExchangeDeclareAsync(exchange, "direct");

        var reason = await ExpectOperationInterruptedAsync(() => channel.ExchangeDeclareAsync(exchange, "fanout", durable: true, autoDelete: true));

        Assert.That(reason.ReplyText, Does.StartWith("PRECONDITION_FAILED - inequivalent arg 'type'"));
    }

    [Test]
    public async Task Arguments_the_broker_does_not_interpret_may_differ_on_redeclare()
    {
        var channel = await OpenChannelAsync();
        var exchange = TrackExchange(UniqueName("x"));
        await channel.ExchangeDeclareAsync(exchange, "topic", arguments: new Dictionary<string, object?> { ["custom"] = "one", ["x-other"] = 1 });

        await channel.ExchangeDeclareAsync(exchange, "topic", arguments: new Dictionary<string, object?> { ["custom"] = "two" });
        await channel.ExchangeDeclareAsync(exchange, "topic");

        Assert.That(channel.IsOpen, Is.True);
    }

    [Test]
    public async Task Passive_declare_of_a_missing_exchange_is_404()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var exchange = UniqueName("missing");

        await ExpectClosedAsync(() => channel.ExchangeDeclarePassiveAsync(exchange), 404, $"NOT_FOUND - no exchange '{exchange}' {InDefaultVhost}");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(channel.IsOpen, Is.False);
            Assert.That(connection.IsOpen, Is.True);
        }
    }
}
