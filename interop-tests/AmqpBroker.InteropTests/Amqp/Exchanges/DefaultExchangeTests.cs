namespace AmqpBroker.InteropTests.Amqp.Exchanges;

/// <summary>
/// The default exchange: it routes to the queue named by the routing key, and it can be neither declared,
/// deleted, nor bound.
/// </summary>
public sealed class DefaultExchangeTests : BrokerTestBase
{
    [Test]
    public async Task Default_exchange_routes_by_queue_name_and_drops_unknown_names()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions);

        await channel.BasicPublishAsync(string.Empty, queue, Encoding.UTF8.GetBytes("direct to queue"));
        await channel.BasicPublishAsync(string.Empty, UniqueName("nobody"), Encoding.UTF8.GetBytes("dropped"));

        var got = await channel.BasicGetAsync(queue, autoAck: true);
        Assert.That(got, Is.Not.Null);
        Assert.That((got!.Exchange, got.RoutingKey, Text(got.Body)), Is.EqualTo((string.Empty, queue, "direct to queue")));
        Assert.That(channel.IsOpen, Is.True, "an unroutable publish is not an error");
        Assert.That(await channel.BasicGetAsync(queue, autoAck: true), Is.Null);
    }

    [Test]
    public async Task The_default_exchange_returns_a_mandatory_message_for_a_missing_queue()
    {
        var channel = await OpenConfirmChannelAsync();
        var returns = CollectReturns(channel);

        var returned = await PublishConfirmedAsync(channel, string.Empty, UniqueName("no-such-queue"), "m", mandatory: true);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(returned, Is.True, "the default exchange routes only to a queue of that name");
            Assert.That(returns.Select(r => (r.ReplyCode, r.Exchange)), Is.EqualTo(new[] { ((ushort)312, string.Empty) }));
        }
    }

    [Test]
    public async Task Declaring_the_default_exchange_is_refused()
    {
        var channel = await OpenChannelAsync();

        await ExpectClosedAsync(() => channel.ExchangeDeclareAsync(string.Empty, "direct", durable: true), 403, "ACCESS_REFUSED - operation not permitted on the default exchange");
    }

    [Test]
    public async Task Passive_declare_of_the_default_exchange_is_refused()
    {
        var channel = await OpenChannelAsync();

        await ExpectClosedAsync(() => channel.ExchangeDeclarePassiveAsync(string.Empty), 403, "ACCESS_REFUSED - operation not permitted on the default exchange");
    }

    [Test]
    public async Task Deleting_the_default_exchange_is_refused()
    {
        var channel = await OpenChannelAsync();

        await ExpectClosedAsync(() => channel.ExchangeDeleteAsync(string.Empty), 403, "ACCESS_REFUSED - operation not permitted on the default exchange");
    }

    [Test]
    public async Task Binding_a_queue_to_the_default_exchange_is_refused()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var queue = await DeclareQueueAsync(channel);

        await ExpectClosedAsync(() => channel.QueueBindAsync(queue, string.Empty, "other"), 403, "ACCESS_REFUSED - operation not permitted on the default exchange");
        channel = await connection.CreateChannelAsync();
        await ExpectClosedAsync(() => channel.QueueUnbindAsync(queue, string.Empty, queue), 403, "ACCESS_REFUSED - operation not permitted on the default exchange");

        channel = await OpenConfirmChannelAsync();
        await PublishConfirmedAsync(channel, string.Empty, queue, "still routed by name");
        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1u));
    }
}
