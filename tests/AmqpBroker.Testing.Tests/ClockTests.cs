using AmqpBroker.Testing.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace AmqpBroker.Testing.Tests;

/// <summary>
/// A clock the test moves: with a FakeTimeProvider as the broker's TimeProvider, Advance runs what fell due
/// before it returns — a one-hour TTL expires and is dead-lettered with RabbitMQ's x-death, an unused queue
/// past x-expires is gone, a delayed message is released — so the test reads the result at once, no polling.
/// </summary>
[TestFixture]
public sealed class ClockTests
{
    private FakeTimeProvider _clock = null!;
    private BrokerHost _broker = null!;
    private IConnection _connection = null!;
    private IChannel _channel = null!;

    [SetUp]
    public async Task StartBrokerAsync()
    {
        _clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
        _broker = await BrokerHost.StartAsync(new BrokerOptions { TimeProvider = _clock });
        (_connection, _channel) = await Client.ConnectWithChannelAsync(_broker.AmqpUri);
    }

    [TearDown]
    public async Task StopBrokerAsync()
    {
        await _connection.DisposeAsync();
        await _broker.DisposeAsync();
    }

    [Test]
    public async Task A_one_hour_ttl_is_dead_lettered_with_x_death_when_Advance_returns()
    {
        await _channel.QueueDeclareAsync("expired", durable: false, exclusive: false, autoDelete: false);
        await _channel.QueueDeclareAsync("orders", durable: false, exclusive: false, autoDelete: false,
            Client.Args(("x-message-ttl", 3_600_000), ("x-dead-letter-exchange", ""), ("x-dead-letter-routing-key", "expired")));
        await Client.PublishAsync(_channel, "", "orders", "order 1");
        await _channel.QueueDeclarePassiveAsync("orders");

        _clock.Advance(TimeSpan.FromHours(1));

        var dead = await _channel.BasicGetAsync("expired", autoAck: true);
        Assert.That(dead, Is.Not.Null, "dead-lettered inside Advance");
        var death = (IDictionary<string, object?>)((IList<object?>)dead!.BasicProperties.Headers!["x-death"]!)[0]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Encoding.UTF8.GetString(dead.Body.Span), Is.EqualTo("order 1"));
            Assert.That(Encoding.UTF8.GetString((byte[])death["reason"]!), Is.EqualTo("expired"));
            Assert.That(Encoding.UTF8.GetString((byte[])death["queue"]!), Is.EqualTo("orders"));
            Assert.That(death["count"], Is.EqualTo(1L));
            Assert.That(((AmqpTimestamp)death["time"]!).UnixTime, Is.EqualTo(_clock.GetUtcNow().ToUnixTimeSeconds()), "stamped on the moved clock");
        }
    }

    [Test]
    public async Task A_message_short_of_its_ttl_stays()
    {
        await _channel.QueueDeclareAsync("orders", durable: false, exclusive: false, autoDelete: false, Client.Args(("x-message-ttl", 3_600_000)));
        await Client.PublishAsync(_channel, "", "orders", "order 1");
        await _channel.QueueDeclarePassiveAsync("orders");

        _clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromMilliseconds(1));

        Assert.That(await _channel.MessageCountAsync("orders"), Is.EqualTo(1u));
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(await _channel.MessageCountAsync("orders"), Is.Zero);
    }

    [Test]
    public async Task A_queue_unused_past_x_expires_is_gone_when_Advance_returns()
    {
        await _channel.QueueDeclareAsync("idle", durable: false, exclusive: false, autoDelete: false, Client.Args(("x-expires", 60_000)));

        _clock.Advance(TimeSpan.FromMinutes(1));

        var gone = await Client.ChannelClosedByAsync(() => _channel.QueueDeclarePassiveAsync("idle"));
        Assert.That(gone.ReplyCode, Is.EqualTo(404));
    }

    [Test]
    public async Task A_delayed_message_is_released_when_the_clock_reaches_its_delay()
    {
        await _channel.ExchangeDeclareAsync("later", "x-delayed-message", durable: false, autoDelete: false, Client.Args(("x-delayed-type", "direct")));
        await _channel.QueueDeclareAsync("reminders", durable: false, exclusive: false, autoDelete: false);
        await _channel.QueueBindAsync("reminders", "later", "remind");
        await Client.PublishAsync(_channel, "later", "remind", "call back", Client.DelayedBy(30_000));
        await _channel.QueueDeclarePassiveAsync("reminders");

        _clock.Advance(TimeSpan.FromMilliseconds(29_999));
        Assert.That(await _channel.MessageCountAsync("reminders"), Is.Zero);

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        var released = await _channel.BasicGetAsync("reminders", autoAck: true);
        Assert.That(released, Is.Not.Null);
        Assert.That(released!.BasicProperties.Headers!["x-delay"], Is.EqualTo(-30_000), "the plugin's mark: the delay negated");
    }

    [Test]
    public async Task A_delayed_retry_takes_milliseconds()
    {
        // The usual retry topology: a rejected message waits five minutes in a retry queue, then comes back.
        await _channel.QueueDeclareAsync("work", durable: false, exclusive: false, autoDelete: false,
            Client.Args(("x-dead-letter-exchange", ""), ("x-dead-letter-routing-key", "work.retry")));
        await _channel.QueueDeclareAsync("work.retry", durable: false, exclusive: false, autoDelete: false,
            Client.Args(("x-message-ttl", 300_000), ("x-dead-letter-exchange", ""), ("x-dead-letter-routing-key", "work")));
        await Client.PublishAsync(_channel, "", "work", "job");
        var first = await _channel.BasicGetAsync("work", autoAck: false);
        await _channel.BasicRejectAsync(first!.DeliveryTag, requeue: false);
        await _channel.QueueDeclarePassiveAsync("work");

        _clock.Advance(TimeSpan.FromMinutes(5));

        var retried = await _channel.BasicGetAsync("work", autoAck: true);
        Assert.That(retried, Is.Not.Null);
        var deaths = (IList<object?>)retried!.BasicProperties.Headers!["x-death"]!;
        Assert.That(deaths.Cast<IDictionary<string, object?>>().Select(d => Encoding.UTF8.GetString((byte[])d["reason"]!)), Is.EquivalentTo(new[] { "rejected", "expired" }));
    }
}
