namespace AmqpBroker.InteropTests.Amqp.Exchanges;

/// <summary>
/// Internal exchanges: not published to directly, but routing what reaches them through exchange bindings.
/// RabbitMQ.Client cannot set the internal flag, so these declares go over <see cref="RawClient"/>.
/// </summary>
public sealed class InternalExchangeTests : BrokerTestBase
{
    [Test]
    public async Task Publishing_to_an_internal_exchange_is_refused_with_403()
    {
        var exchange = TrackExchange(UniqueName("internal"));
        Assert.That(await RawExchangeDeclareAsync(exchange, "fanout", isInternal: true), Is.EqualTo((200, string.Empty)));
        var (connection, channel) = await ConnectWithChannelAsync();
        var closed = WatchClose(channel);

        await channel.BasicPublishAsync(exchange, string.Empty, Encoding.UTF8.GetBytes("m"));

        await ExpectClosedAsync(closed, 403, $"ACCESS_REFUSED - cannot publish to internal exchange '{exchange}' {InDefaultVhost}");
        Assert.That(connection.IsOpen, Is.True);
    }

    [Test]
    public async Task An_internal_exchange_routes_what_reaches_it_through_an_exchange_binding()
    {
        var channel = await OpenConfirmChannelAsync();
        var inner = TrackExchange(UniqueName("internal"));
        var outer = await DeclareExchangeAsync(channel, "fanout", what: "outer");
        Assert.That(await RawExchangeDeclareAsync(inner, "direct", isInternal: true), Is.EqualTo((200, string.Empty)));
        await channel.ExchangeBindAsync(inner, outer, string.Empty);
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, inner, "k");

        await PublishConfirmedAsync(channel, outer, "k", "via outer");
        await PublishConfirmedAsync(channel, outer, "other", "not matched by the internal exchange");

        var got = await channel.BasicGetAsync(queue, autoAck: true);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(got is null ? null : Text(got.Body), Is.EqualTo("via outer"));
            Assert.That(got?.Exchange, Is.EqualTo(outer), "deliveries name the exchange published to");
            Assert.That(await channel.MessageCountAsync(queue), Is.Zero);
        }
    }

    [Test]
    public async Task Redeclaring_an_internal_exchange_as_not_internal_fails()
    {
        var exchange = TrackExchange(UniqueName("internal"));
        Assert.That(await RawExchangeDeclareAsync(exchange, "topic", isInternal: true), Is.EqualTo((200, string.Empty)));
        var channel = await OpenChannelAsync();

        await ExpectClosedAsync(() => channel.ExchangeDeclareAsync(exchange, "topic"), 406, $"PRECONDITION_FAILED - inequivalent arg 'internal' for exchange '{exchange}' {InDefaultVhost}: received 'false' but current is 'true'");

        Assert.That(await RawExchangeDeclareAsync(exchange, "topic", isInternal: true), Is.EqualTo((200, string.Empty)), "an equal redeclare is fine");
    }

    [Test]
    public async Task Redeclaring_an_exchange_as_internal_fails()
    {
        var exchange = TrackExchange(UniqueName("x"));
        var channel = await OpenChannelAsync();
        await channel.ExchangeDeclareAsync(exchange, "topic");

        var result = await RawExchangeDeclareAsync(exchange, "topic", isInternal: true);

        Assert.That(result, Is.EqualTo((406, $"PRECONDITION_FAILED - inequivalent arg 'internal' for exchange '{exchange}' {InDefaultVhost}: received 'true' but current is 'false'")));
    }

    /// <summary>
    /// exchange.declare over a bare socket, for the one flag RabbitMQ.Client cannot send: internal.
    /// Returns (200, "") for declare-ok, or the channel.close code and text.
    /// </summary>
    private async Task<(int Code, string Text)> RawExchangeDeclareAsync(string name, string type, bool isInternal)
    {
        await using var raw = await RawClient.ConnectAsync(AmqpUri);
        await raw.OpenChannelAsync(1);
        await raw.SendMethodAsync(1, 40, 10, w => w.Short(0).ShortStr(name).ShortStr(type).Octet((byte)(isInternal ? 1 << 3 : 0)).EmptyTable());

        var reply = await raw.ReadMethodAsync();
        switch (reply)
        {
            case { ClassId: 40, MethodId: 11 }:
                return (200, string.Empty);
            case { ClassId: 20, MethodId: 40 }:
                var close = RawClient.ParseClose(reply.Args);
                await raw.SendMethodAsync(1, 20, 41);
                return (close.ReplyCode, close.ReplyText);
            default:
                Assert.Fail($"unexpected reply {reply.ClassId}.{reply.MethodId} to exchange.declare");
                throw new InvalidOperationException("unreachable");
        }
    }
}
