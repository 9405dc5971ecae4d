using AmqpBroker.Testing.Tests.Support;

namespace AmqpBroker.Testing.Tests;

/// <summary>
/// A clock the test moves: with a FakeTimeProvider as the broker's TimeProvider, Advance runs what fell due
/// before it returns — a one-hour TTL expires and is dead-lettered with RabbitMQ's x-death, an unused queue
/// past x-expires is gone, a delayed message is released — so the test reads the result at once, no polling.
/// </summary>
[TestFixture]
public sealed class ClockTests : MovedClockFixture
{
    [Test]
    public async Task A_one_hour_ttl_is_dead_lettered_with_x_death_when_Advance_returns()
    {
        await Channel.QueueDeclareAsync("expired", durable: false, exclusive: false, autoDelete: false);
        await Channel.QueueDeclareAsync("orders", durable: false, exclusive: false, autoDelete: false,
            Client.Args(("x-message-ttl", 3_600_000), ("x-dead-letter-exchange", ""), ("x-dead-letter-routing-key", "expired")));
        await Client.PublishAsync(Channel, "", "orders", "order 1");
        await Channel.QueueDeclarePassiveAsync("orders");

        Clock.Advance(TimeSpan.FromHours(1));

        var dead = await Channel.BasicGetAsync("expired", autoAck: true);
        Assert.That(dead, Is.Not.Null, "dead-lettered inside Advance");
        var death = (IDictionary<string, object?>)((IList<object?>)dead!.BasicProperties.Headers!["x-death"]!)[0]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Encoding.UTF8.GetString(dead.Body.Span), Is.EqualTo("order 1"));
            Assert.That(Encoding.UTF8.GetString((byte[])death["reason"]!), Is.EqualTo("expired"));
            Assert.That(Encoding.UTF8.GetString((byte[])death["queue"]!), Is.EqualTo("orders"));
            Assert.That(death["count"], Is.EqualTo(1L));
            Assert.That(((AmqpTimestamp)death["time"]!).UnixTime, Is.EqualTo(Clock.GetUtcNow().ToUnixTimeSeconds()), "stamped on the moved clock");
        }
    }

    [Test]
    public async Task A_message_short_of_its_ttl_stays()
    {
        await Channel.QueueDeclareAsync("orders", durable: false, exclusive: false, autoDelete: false, Client.Args(("x-message-ttl", 3_600_000)));
        await Client.PublishAsync(Channel, "", "orders", "order 1");
        await Channel.QueueDeclarePassiveAsync("orders");

        Clock.Advance(TimeSpan.FromHours(1) - TimeSpan.FromMilliseconds(1));

        Assert.That(await Channel.MessageCountAsync("orders"), Is.EqualTo(1u));
        Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(await Channel.MessageCountAsync("orders"), Is.Zero);
    }

    [Test]
    public async Task A_queue_unused_past_x_expires_is_gone_when_Advance_returns()
    {
        await Channel.QueueDeclareAsync("idle", durable: false, exclusive: false, autoDelete: false, Client.Args(("x-expires", 60_000)));

        Clock.Advance(TimeSpan.FromMinutes(1));

        var gone = await Client.ChannelClosedByAsync(() => Channel.QueueDeclarePassiveAsync("idle"));
        Assert.That(gone.ReplyCode, Is.EqualTo(404));
    }

    [Test]
    public async Task A_delayed_message_is_released_when_theClock_reaches_its_delay()
    {
        await Channel.ExchangeDeclareAsync("later", "x-delayed-message", durable: false, autoDelete: false, Client.Args(("x-delayed-type", "direct")));
        await Channel.QueueDeclareAsync("reminders", durable: false, exclusive: false, autoDelete: false);
        await Channel.QueueBindAsync("reminders", "later", "remind");
        await Client.PublishAsync(Channel, "later", "remind", "call back", Client.DelayedBy(30_000));
        await Channel.QueueDeclarePassiveAsync("reminders");

        Clock.Advance(TimeSpan.FromMilliseconds(29_999));
        Assert.That(await Channel.MessageCountAsync("reminders"), Is.Zero);

        Clock.Advance(TimeSpan.FromMilliseconds(1));
        var released = await Channel.BasicGetAsync("reminders", autoAck: true);
        Assert.That(released, Is.Not.Null);
        Assert.That(released!.BasicProperties.Headers!["x-delay"], Is.EqualTo(-30_000), "the plugin's mark: the delay negated");
    }

    [Test]
    public async Task A_delayed_retry_takes_milliseconds()
    {
        // The usual retry topology: a rejected message waits five minutes in a retry queue, then comes back.
        await Channel.QueueDeclareAsync("work", durable: false, exclusive: false, autoDelete: false,
            Client.Args(("x-dead-letter-exchange", ""), ("x-dead-letter-routing-key", "work.retry")));
        await Channel.QueueDeclareAsync("work.retry", durable: false, exclusive: false, autoDelete: false,
            Client.Args(("x-message-ttl", 300_000), ("x-dead-letter-exchange", ""), ("x-dead-letter-routing-key", "work")));
        await Client.PublishAsync(Channel, "", "work", "job");
        var first = await Channel.BasicGetAsync("work", autoAck: false);
        await Channel.BasicRejectAsync(first!.DeliveryTag, requeue: false);
        await Channel.QueueDeclarePassiveAsync("work");

        Clock.Advance(TimeSpan.FromMinutes(5));

        var retried = await Channel.BasicGetAsync("work", autoAck: true);
        Assert.That(retried, Is.Not.Null);
        var deaths = (IList<object?>)retried!.BasicProperties.Headers!["x-death"]!;
        Assert.That(deaths.Cast<IDictionary<string, object?>>().Select(d => Encoding.UTF8.GetString((byte[])d["reason"]!)), Is.EquivalentTo(new[] { "rejected", "expired" }));
    }
}
