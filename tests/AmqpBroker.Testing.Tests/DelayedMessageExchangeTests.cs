using AmqpBroker.Testing.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace AmqpBroker.Testing.Tests;

/// <summary>
/// The x-delayed-message exchange with RabbitMQ's delayed-message plugin semantics: x-delayed-type is required
/// (the plugin's 406 texts), routing follows that type, x-delay orders releases, a message without a
/// positive delay goes at once, a mandatory delayed publish is returned at once (the plugin cannot know where
/// it will go) and still released later, and a durable exchange's held messages survive a restart.
/// </summary>
[TestFixture]
public sealed class DelayedMessageExchangeTests : MovedClockFixture
{
    [TestCase(null, "PRECONDITION_FAILED - Invalid argument, 'x-delayed-type' must be an existing exchange type")]
    [TestCase("x-delayed-message", "PRECONDITION_FAILED - Invalid argument, 'x-delayed-message' can't be used for 'x-delayed-type'")]
    public async Task The_delayed_type_argument_is_required_and_cannot_be_itself(string? delayedType, string text)
    {
        var arguments = delayedType is null ? Client.Args() : Client.Args(("x-delayed-type", delayedType));

        var refused = await Client.ChannelClosedByAsync(() => Channel.ExchangeDeclareAsync("bad", "x-delayed-message", durable: false, autoDelete: false, arguments));

        Assert.That(refused.ReplyCode, Is.EqualTo(406));
        Assert.That(refused.ReplyText, Is.EqualTo(text));
    }

    [Test]
    public async Task Messages_are_released_in_order_of_their_delays_and_routed_as_the_delayed_type_routes()
    {
        await DeclareDelayedAsync("events", ExchangeType.Topic, ("audit", "order.#"));
        await Client.PublishAsync(Channel, "events", "order.paid", "after 3 s", Client.DelayedBy(3000));
        await Client.PublishAsync(Channel, "events", "order.created", "after 1 s", Client.DelayedBy(1000));
        await Client.PublishAsync(Channel, "events", "invoice.sent", "not for audit", Client.DelayedBy(500));
        await Channel.QueueDeclarePassiveAsync("audit");

        Clock.Advance(TimeSpan.FromSeconds(5));

        Assert.That(new[] { await Client.GetAsync(Channel, "audit"), await Client.GetAsync(Channel, "audit"), await Client.GetAsync(Channel, "audit") },
            Is.EqualTo(new[] { "after 1 s", "after 3 s", null }));
    }

    [TestCase(null)]
    [TestCase(0)]
    [TestCase(-5000)]
    public async Task A_message_without_a_positive_delay_is_routed_at_once(int? delay)
    {
        await DeclareDelayedAsync("now", ExchangeType.Direct, ("inbox", "k"));

        await Client.PublishAsync(Channel, "now", "k", "at once", delay is { } ms ? Client.DelayedBy(ms) : null);

        Assert.That(await Client.GetAsync(Channel, "inbox"), Is.EqualTo("at once"));
    }

    [Test]
    public async Task A_mandatory_delayed_publish_is_returned_at_once_and_still_released_later()
    {
        await DeclareDelayedAsync("later", ExchangeType.Direct, ("inbox", "k"));
        var returns = Client.CollectReturns(Channel);

        await Client.PublishAsync(Channel, "later", "k", "held", Client.DelayedBy(1000), mandatory: true);
        await Channel.QueueDeclarePassiveAsync("inbox");

        Assert.That(returns.Select(r => r.ReplyCode), Is.EqualTo(new[] { (ushort)312 }), "NO_ROUTE at publish time, as with the plugin");
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.That(await Client.GetAsync(Channel, "inbox"), Is.EqualTo("held"));
    }

    [Test]
    public async Task TheBroker_counts_what_an_exchange_holds()
    {
        await DeclareDelayedAsync("later", ExchangeType.Direct, ("inbox", "k"));
        await Client.PublishAsync(Channel, "later", "k", "held", Client.DelayedBy(1000));
        await Channel.QueueDeclarePassiveAsync("inbox");

        var exchange = (Core.Exchanges.DelayedMessageExchange)Broker.Broker.FindVirtualHost("/")!.GetExchange("later");
        Assert.That(exchange.MessagesDelayed, Is.EqualTo(1));
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.That(exchange.MessagesDelayed, Is.Zero);
    }

    [Test]
    public async Task A_durable_exchange_keeps_what_it_holds_across_a_restart()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), $"amqpbroker-delayed-{Guid.NewGuid():N}");
        try
        {
            var clock = new FakeTimeProvider();
            await using (var broker = await BrokerHost.StartAsync(new BrokerOptions { DataDir = dataDir, TimeProvider = clock }))
            {
                var (_, channel) = await Client.ConnectWithChannelAsync(broker.AmqpUri);
                await channel.ExchangeDeclareAsync("later", "x-delayed-message", durable: true, autoDelete: false, Client.Args(("x-delayed-type", "direct")));
                await channel.QueueDeclareAsync("inbox", durable: true, exclusive: false, autoDelete: false);
                await channel.QueueBindAsync("inbox", "later", "k");
                await Client.PublishAsync(channel, "later", "k", "survives", Client.DelayedBy(60_000));
                await channel.QueueDeclarePassiveAsync("inbox");
            }

            clock.Advance(TimeSpan.FromSeconds(30));
            await using (var broker = await BrokerHost.StartAsync(new BrokerOptions { DataDir = dataDir, TimeProvider = clock }))
            {
                var (_, channel) = await Client.ConnectWithChannelAsync(broker.AmqpUri);
                clock.Advance(TimeSpan.FromSeconds(29));
                Assert.That(await Client.GetAsync(channel, "inbox"), Is.Null, "still held");

                clock.Advance(TimeSpan.FromSeconds(1));
                Assert.That(await Client.GetAsync(channel, "inbox"), Is.EqualTo("survives"));
            }
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Test]
    public async Task On_an_in_memory_broker_a_durable_exchange_holds_in_memory()
    {
        // MassTransit declares its delay exchanges durable; this broker keeps no log, so this was a 541 that closed the connection.
        await DeclareDelayedAsync("later", ExchangeType.Direct, ("inbox", "k"), durable: true);
        await Client.PublishAsync(Channel, "later", "k", "held", Client.DelayedBy(1000));
        await Channel.QueueDeclarePassiveAsync("inbox");

        Assert.That(await Client.GetAsync(Channel, "inbox"), Is.Null, "still held");
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.That(await Client.GetAsync(Channel, "inbox"), Is.EqualTo("held"));
    }

    [Test]
    public async Task Deleting_the_exchange_drops_what_it_holds()
    {
        await DeclareDelayedAsync("later", ExchangeType.Fanout, ("inbox", ""));
        await Client.PublishAsync(Channel, "later", "", "dropped", Client.DelayedBy(1000));
        await Channel.ExchangeDeleteAsync("later");

        Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.That(await Channel.MessageCountAsync("inbox"), Is.Zero);
    }

    private async Task DeclareDelayedAsync(string exchange, string delayedType, (string Queue, string Key) binding, bool durable = false)
    {
        await Channel.ExchangeDeclareAsync(exchange, "x-delayed-message", durable, autoDelete: false, Client.Args(("x-delayed-type", delayedType)));
        await Channel.QueueDeclareAsync(binding.Queue, durable: false, exclusive: false, autoDelete: false);
        await Channel.QueueBindAsync(binding.Queue, exchange, binding.Key);
    }
}
