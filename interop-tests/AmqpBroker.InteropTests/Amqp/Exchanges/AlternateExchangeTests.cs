namespace AmqpBroker.InteropTests.Amqp.Exchanges;

/// <summary>
/// Alternate exchanges (the alternate-exchange argument): where unroutable messages go, how that meets
/// mandatory, chains and cycles, and the argument's equivalence on redeclare.
/// </summary>
public sealed class AlternateExchangeTests : BrokerTestBase
{
    [Test]
    public async Task Unroutable_messages_go_to_the_alternate_exchange()
    {
        var channel = await OpenConfirmChannelAsync();
        var (exchange, _) = await DeclareWithAlternateAsync(channel);
        var bound = await DeclareQueueAsync(channel, "bound");
        var spill = await DeclareQueueAsync(channel, "spill");
        await channel.QueueBindAsync(bound, exchange, "k");
        await channel.QueueBindAsync(spill, AlternateOf(exchange), string.Empty);

        await PublishConfirmedAsync(channel, exchange, "k", "routed");
        await PublishConfirmedAsync(channel, exchange, "other", "unroutable");

        var got = await channel.BasicGetAsync(spill, autoAck: true);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await channel.MessageCountAsync(bound), Is.EqualTo(1u));
            Assert.That(got is null ? null : Text(got.Body), Is.EqualTo("unroutable"));
            Assert.That(got?.Exchange, Is.EqualTo(exchange), "the delivery names the exchange published to");
            Assert.That(got?.RoutingKey, Is.EqualTo("other"));
        }
    }

    [Test]
    public async Task A_mandatory_message_routed_by_the_alternate_exchange_is_not_returned()
    {
        var channel = await OpenConfirmChannelAsync();
        var returns = CollectReturns(channel);
        var (exchange, alternate) = await DeclareWithAlternateAsync(channel);
        var spill = await DeclareQueueAsync(channel, "spill");
        await channel.QueueBindAsync(spill, alternate, string.Empty);

        var returned = await PublishConfirmedAsync(channel, exchange, "nobody", "m", mandatory: true);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(returned, Is.False);
            Assert.That(returns, Is.Empty);
            Assert.That(await channel.MessageCountAsync(spill), Is.EqualTo(1u));
        }
    }

    [Test]
    public async Task A_missing_alternate_exchange_drops_the_message_or_returns_it_when_mandatory()
    {
        var channel = await OpenConfirmChannelAsync();
        var returns = CollectReturns(channel);
        var missing = UniqueName("missing-ae");
        var exchange = await DeclareExchangeAsync(channel, "direct", arguments: Args(("alternate-exchange", missing)));

        var dropped = await PublishConfirmedAsync(channel, exchange, "nobody", "dropped");
        var returned = await PublishConfirmedAsync(channel, exchange, "nobody", "returned", mandatory: true);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(dropped, Is.False);
            Assert.That(returned, Is.True);
            Assert.That(returns.Select(r => (r.ReplyCode, r.ReplyText, r.Exchange, r.RoutingKey, r.Text)), Is.EqualTo(new[] { ((ushort)312, "NO_ROUTE", exchange, "nobody", "returned") }));
            Assert.That(channel.IsOpen, Is.True);
        }
    }

    [Test]
    public async Task An_alternate_exchange_that_routes_nowhere_returns_mandatory_messages()
    {
        var channel = await OpenConfirmChannelAsync();
        var returns = CollectReturns(channel);
        var (exchange, _) = await DeclareWithAlternateAsync(channel);

        var returned = await PublishConfirmedAsync(channel, exchange, "nobody", "m", mandatory: true);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(returned, Is.True);
            Assert.That(returns.Select(r => (r.ReplyCode, r.Exchange)), Is.EqualTo(new[] { ((ushort)312, exchange) }));
        }
    }

    [Test]
    public async Task Alternate_exchanges_chain()
    {
        var channel = await OpenConfirmChannelAsync();
        var third = await DeclareExchangeAsync(channel, "fanout", what: "third");
        var second = await DeclareExchangeAsync(channel, "direct", arguments: Args(("alternate-exchange", third)), what: "second");
        var first = await DeclareExchangeAsync(channel, "direct", arguments: Args(("alternate-exchange", second)), what: "first");
        var atSecond = await DeclareQueueAsync(channel, "second");
        var atThird = await DeclareQueueAsync(channel, "third");
        await channel.QueueBindAsync(atSecond, second, "s");
        await channel.QueueBindAsync(atThird, third, string.Empty);

        await PublishConfirmedAsync(channel, first, "s", "caught by the second");
        await PublishConfirmedAsync(channel, first, "z", "caught by the third");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await channel.MessageCountAsync(atSecond), Is.EqualTo(1u));
            Assert.That(await channel.MessageCountAsync(atThird), Is.EqualTo(1u));
        }
    }

    [Test]
    public async Task Alternate_exchanges_in_a_cycle_do_not_loop()
    {
        var channel = await OpenConfirmChannelAsync();
        var returns = CollectReturns(channel);
        var x1 = TrackExchange(UniqueName("x1"));
        var x2 = TrackExchange(UniqueName("x2"));
        await channel.ExchangeDeclareAsync(x1, "direct", arguments: Args(("alternate-exchange", x2)));
        await channel.ExchangeDeclareAsync(x2, "direct", arguments: Args(("alternate-exchange", x1)));
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, x2, "k2");

        var returned = await PublishConfirmedAsync(channel, x1, "nobody", "m", mandatory: true);
        await PublishConfirmedAsync(channel, x1, "k2", "reaches x2's queue");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(returned, Is.True);
            Assert.That(returns, Has.Count.EqualTo(1));
            Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1u));
        }
    }

    [Test]
    public async Task The_alternate_exchange_argument_must_match_on_redeclare()
    {
        var connection = await ConnectAsync();
        var exchange = TrackExchange(UniqueName("x"));
        var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(exchange, "direct", arguments: new Dictionary<string, object?> { ["alternate-exchange"] = "ae1" });

        // Same value again is fine.
        await channel.ExchangeDeclareAsync(exchange, "direct", arguments: new Dictionary<string, object?> { ["alternate-exchange"] = "ae1" });

        await ExpectClosedAsync(() => channel.ExchangeDeclareAsync(
            exchange, "direct", arguments: new Dictionary<string, object?> { ["alternate-exchange"] = "ae2" }), 406, $"PRECONDITION_FAILED - inequivalent arg 'alternate-exchange' for exchange '{exchange}' {InDefaultVhost}: received 'ae2' but current is 'ae1'");
        channel = await connection.CreateChannelAsync();
        await ExpectClosedAsync(() => channel.ExchangeDeclareAsync(exchange, "direct"), 406, $"PRECONDITION_FAILED - inequivalent arg 'alternate-exchange' for exchange '{exchange}' {InDefaultVhost}: received none but current is the value 'ae1' of type 'longstr'");
    }

    [Test]
    public async Task Adding_an_alternate_exchange_on_redeclare_fails()
    {
        var channel = await OpenChannelAsync();
        var exchange = await DeclareExchangeAsync(channel, "fanout");

        await ExpectClosedAsync(() => channel.ExchangeDeclareAsync(
            exchange, "fanout", arguments: new Dictionary<string, object?> { ["alternate-exchange"] = "ae" }), 406, $"PRECONDITION_FAILED - inequivalent arg 'alternate-exchange' for exchange '{exchange}' {InDefaultVhost}: received the value 'ae' of type 'longstr' but current is none");
    }

    private static string AlternateOf(string exchange) => exchange + ".ae";

    /// <summary>A direct exchange whose alternate exchange is a fanout named <c>exchange.ae</c>.</summary>
    private async Task<(string Exchange, string Alternate)> DeclareWithAlternateAsync(IChannel channel)
    {
        var exchange = TrackExchange(UniqueName("x"));
        var alternate = TrackExchange(AlternateOf(exchange));
        await channel.ExchangeDeclareAsync(alternate, "fanout");
        await channel.ExchangeDeclareAsync(exchange, "direct", arguments: Args(("alternate-exchange", alternate)));
        return (exchange, alternate);
    }
}
