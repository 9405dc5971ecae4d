namespace AmqpBroker.InteropTests.QueueFeatures;

/// <summary>
/// Queue TTL (x-expires): a queue left unused (no consumers, no basic.get, no redeclare) for that long is
/// deleted; each of those uses renews the lease.
/// </summary>
public sealed class QueueExpiryTests : BrokerTestBase
{
    /// <summary>Long enough that a busy machine's pause between two uses (or a use and the check) does not pass for disuse.</summary>
    private const int Expires = 1000;

    [Test]
    public async Task An_unused_queue_is_deleted_after_x_expires()
    {
        var (connection, _, queue) = await ExpiringQueueAsync();

        Assert.That(await IsGoneAsync(connection, queue), Is.False);
        Assert.That(await EventuallyAsync(async () => await IsGoneAsync(connection, queue)), Is.True);
    }

    [Test]
    public async Task An_expired_queue_takes_its_messages_with_it()
    {
        var (connection, channel, queue) = await ExpiringQueueAsync();
        await PublishAsync(channel, queue, "m1", "m2");

        Assert.That(await EventuallyAsync(async () => await IsGoneAsync(connection, queue)), Is.True, "messages do not keep a queue alive");

        // Declared anew, it starts empty.
        await DeclareAsync(channel, Expires, queue);
        Assert.That(await channel.MessageCountAsync(queue), Is.Zero);
    }

    [Test]
    public async Task A_consumer_keeps_the_queue_alive_and_its_cancel_starts_the_clock()
    {
        var (connection, channel, queue) = await ExpiringQueueAsync();
        var tag = await channel.BasicConsumeAsync(queue, autoAck: true, new CollectingConsumer(channel));

        await Task.Delay(TimeSpan.FromMilliseconds(Expires) + QuietPeriod);
        Assert.That(await IsGoneAsync(connection, queue), Is.False, "a queue with a consumer is in use");

        await channel.BasicCancelAsync(tag);
        Assert.That(await EventuallyAsync(async () => await IsGoneAsync(connection, queue)), Is.True);
    }

    [Test]
    public async Task Basic_get_renews_the_lease()
    {
        await AssertUseRenewsTheLeaseAsync((channel, queue) => channel.BasicGetAsync(queue, autoAck: true));
    }

    [Test]
    public async Task Redeclaring_renews_the_lease()
    {
        await AssertUseRenewsTheLeaseAsync((channel, queue) => DeclareAsync(channel, Expires, queue));
    }

    [Test]
    public async Task A_queue_with_a_long_expiry_outlives_a_short_one()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var shortLived = await DeclareAsync(channel, Expires);
        var longLived = await DeclareAsync(channel, 60_000);

        Assert.That(await EventuallyAsync(async () => await IsGoneAsync(connection, shortLived)), Is.True);
        Assert.That(await IsGoneAsync(connection, longLived), Is.False);
    }

    [Test]
    public async Task Consuming_from_an_expired_queue_answers_404()
    {
        var (connection, channel, queue) = await ExpiringQueueAsync();
        Assert.That(await EventuallyAsync(async () => await IsGoneAsync(connection, queue)), Is.True);

        await ExpectClosedAsync(() => channel.BasicConsumeAsync(queue, autoAck: true, new CollectingConsumer(channel)), 404, $"NOT_FOUND - no queue '{queue}' in vhost '/'");
    }

    [Test]
    public async Task A_passive_declare_renews_the_lease()
    {
        // RabbitMQ answers a passive declare from the queue process, which restarts its expiry timer.
        await AssertUseRenewsTheLeaseAsync((channel, queue) => channel.QueueDeclarePassiveAsync(queue));
    }

    /// <summary>A connection, a channel on it, and a queue on that channel that expires after <see cref="Expires"/> ms.</summary>
    private async Task<(IConnection Connection, IChannel Channel, string Queue)> ExpiringQueueAsync()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        return (connection, channel, await DeclareAsync(channel, Expires));
    }

    /// <summary>Uses a fresh expiring queue for twice its expiry: it must survive that, and expire once left alone.</summary>
    private async Task AssertUseRenewsTheLeaseAsync(Func<IChannel, string, Task> use)
    {
        var (connection, channel, queue) = await ExpiringQueueAsync();

        await KeepUsingAsync(() => use(channel, queue));

        Assert.That(await IsGoneAsync(connection, queue), Is.False);
        Assert.That(await EventuallyAsync(async () => await IsGoneAsync(connection, queue)), Is.True);
    }

    /// <summary>
    /// Whether the queue was deleted, judged by binding it (a passive declare would count as use and renew
    /// the lease on RabbitMQ). The binding goes away with the queue.
    /// </summary>
    private static async Task<bool> IsGoneAsync(IConnection connection, string queue)
    {
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            await channel.QueueBindAsync(queue, "amq.direct", queue);
            return false;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return true;
        }
    }

    /// <summary>Uses the queue every 50 ms for three times its expiry.</summary>
    private static async Task KeepUsingAsync(Func<Task> use)
    {
        var until = DateTime.UtcNow + TimeSpan.FromMilliseconds(2 * Expires);
        while (DateTime.UtcNow < until)
        {
            await use();
            await Task.Delay(50);
        }
    }

    private async Task<string> DeclareAsync(IChannel channel, int expires, string? name = null)
    {
        name ??= Track(UniqueName());
        await channel.QueueDeclareAsync(name, durable: false, exclusive: false, autoDelete: false, Args(("x-expires", expires)));
        return name;
    }
}
