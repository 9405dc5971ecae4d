namespace AmqpBroker.InteropTests.Amqp.Exchanges;

/// <summary>
/// exchange.delete (if-unused, missing and reserved exchanges, what happens to bindings and routed messages)
/// and auto-delete exchanges, which go when their last binding as a source goes.
/// </summary>
public sealed class ExchangeDeleteTests : BrokerTestBase
{
    [Test]
    public async Task Delete_if_unused_refuses_an_exchange_with_bindings()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var exchange = await DeclareExchangeAsync(channel, "direct");
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, exchange, "k");

        await ExpectClosedAsync(() => channel.ExchangeDeleteAsync(exchange, ifUnused: true), 406, $"PRECONDITION_FAILED - exchange '{exchange}' {InDefaultVhost} in use");

        channel = await OpenConfirmChannelAsync();
        await PublishConfirmedAsync(channel, exchange, "k", "still routed");
        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1u), "the exchange and its binding are intact");

        await channel.QueueUnbindAsync(queue, exchange, "k");
        await channel.ExchangeDeleteAsync(exchange, ifUnused: true);
        Assert.That(await ExchangeExistsAsync(connection, exchange), Is.False);
    }

    [Test]
    public async Task Delete_if_unused_only_counts_bindings_where_the_exchange_is_the_source()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var (source, destination) = await BindFanoutsAsync(channel);

        await channel.ExchangeDeleteAsync(destination, ifUnused: true);

        Assert.That(await ExchangeExistsAsync(connection, destination), Is.False);
        // The binding went with it: the source is unused now.
        await channel.ExchangeDeleteAsync(source, ifUnused: true);
        Assert.That(await ExchangeExistsAsync(connection, source), Is.False);
    }

    [Test]
    public async Task Deleting_an_exchange_removes_its_bindings()
    {
        var channel = await OpenConfirmChannelAsync();
        var exchange = await DeclareExchangeAsync(channel, "fanout");
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, exchange, string.Empty);

        await channel.ExchangeDeleteAsync(exchange);
        await channel.ExchangeDeclareAsync(exchange, "fanout");
        await PublishConfirmedAsync(channel, exchange, string.Empty, "m");

        Assert.That(await channel.MessageCountAsync(queue), Is.Zero);
    }

    [Test]
    public async Task Declared_exchange_routes_until_its_binding_and_then_itself_are_deleted()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions);
        var exchange = await DeclareExchangeAsync(channel, ExchangeType.Direct, durable: false, autoDelete: false, what: "ex");
        await channel.QueueBindAsync(queue, exchange, "red");

        await channel.BasicPublishAsync(exchange, "red", Encoding.UTF8.GetBytes("1"));
        await channel.QueueUnbindAsync(queue, exchange, "red");
        await channel.BasicPublishAsync(exchange, "red", Encoding.UTF8.GetBytes("2"));
        await channel.QueueBindAsync(queue, exchange, "red");
        await channel.BasicPublishAsync(exchange, "red", Encoding.UTF8.GetBytes("3"));
        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(2));

        await channel.ExchangeDeleteAsync(exchange);
        await ExpectClosedAsync(() => channel.ExchangeDeclarePassiveAsync(exchange), 404, $"NOT_FOUND - no exchange '{exchange}' in vhost '/'");

        var other = await OpenChannelAsync();
        Assert.That(await other.MessageCountAsync(queue), Is.EqualTo(2), "deleting the exchange keeps what it routed");
    }

    [Test]
    public async Task Deleting_a_missing_exchange_succeeds()
    {
        var channel = await OpenChannelAsync();

        await channel.ExchangeDeleteAsync(UniqueName("missing"));
        await channel.ExchangeDeleteAsync(UniqueName("missing"), ifUnused: true);

        Assert.That(channel.IsOpen, Is.True);
    }

    [Test]
    public async Task Deleting_a_predeclared_exchange_is_refused()
    {
        var (connection, channel) = await ConnectWithChannelAsync();

        await ExpectClosedAsync(() => channel.ExchangeDeleteAsync("amq.direct"), 403, $"ACCESS_REFUSED - deletion of system exchange 'amq.direct' {InDefaultVhost} not allowed");

        Assert.That(await ExchangeExistsAsync(connection, "amq.direct"), Is.True);
    }

    [Test]
    public async Task An_auto_delete_exchange_lives_until_it_has_had_a_binding()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var exchange = await DeclareExchangeAsync(channel, "fanout", autoDelete: true, what: "ad");

        await channel.CloseAsync();
        await Task.Delay(QuietPeriod);

        Assert.That(await ExchangeExistsAsync(connection, exchange), Is.True, "never bound: not deleted");
    }

    [Test]
    public async Task An_auto_delete_exchange_is_deleted_when_its_last_queue_binding_goes()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var exchange = await DeclareExchangeAsync(channel, "direct", autoDelete: true, what: "ad");
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, exchange, "a");
        await channel.QueueBindAsync(queue, exchange, "b");

        await channel.QueueUnbindAsync(queue, exchange, "a");
        Assert.That(await ExchangeExistsAsync(connection, exchange), Is.True, "one binding left");

        await channel.QueueUnbindAsync(queue, exchange, "b");
        Assert.That(await EventuallyAsync(async () => !await ExchangeExistsAsync(connection, exchange)), Is.True);
    }

    [Test]
    public async Task An_auto_delete_exchange_is_deleted_when_its_bound_queue_is_deleted()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var exchange = await DeclareExchangeAsync(channel, "fanout", autoDelete: true, what: "ad");
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, exchange, string.Empty);

        await channel.QueueDeleteAsync(queue);

        Assert.That(await EventuallyAsync(async () => !await ExchangeExistsAsync(connection, exchange)), Is.True);
    }

    [Test]
    public async Task An_auto_delete_exchange_is_deleted_when_its_last_exchange_binding_goes()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var (source, destination) = await BindFanoutsAsync(channel, autoDeleteSource: true);

        await channel.ExchangeUnbindAsync(destination, source, string.Empty);

        Assert.That(await EventuallyAsync(async () => !await ExchangeExistsAsync(connection, source)), Is.True);
        Assert.That(await ExchangeExistsAsync(connection, destination), Is.True);
    }

    [Test]
    public async Task An_auto_delete_exchange_is_not_deleted_when_a_binding_to_it_goes()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var (source, destination) = await BindFanoutsAsync(channel, autoDeleteDestination: true);

        await channel.ExchangeUnbindAsync(destination, source, string.Empty);
        await Task.Delay(QuietPeriod);

        Assert.That(await ExchangeExistsAsync(connection, destination), Is.True, "only bindings with it as the source count");
    }

    [Test]
    public async Task An_auto_delete_exchange_goes_when_the_exchange_it_is_bound_to_is_deleted()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var (source, destination) = await BindFanoutsAsync(channel, autoDeleteSource: true);

        await channel.ExchangeDeleteAsync(destination);

        Assert.That(await EventuallyAsync(async () => !await ExchangeExistsAsync(connection, source)), Is.True);
    }

    /// <summary>Two fanout exchanges, the destination bound to the source.</summary>
    private async Task<(string Source, string Destination)> BindFanoutsAsync(IChannel channel, bool autoDeleteSource = false, bool autoDeleteDestination = false)
    {
        var source = await DeclareExchangeAsync(channel, "fanout", autoDelete: autoDeleteSource, what: "src");
        var destination = await DeclareExchangeAsync(channel, "fanout", autoDelete: autoDeleteDestination, what: "dst");
        await channel.ExchangeBindAsync(destination, source, string.Empty);
        return (source, destination);
    }
}
