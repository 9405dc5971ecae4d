namespace AmqpBroker.InteropTests.Durability;

/// <summary>Long durable queues paged to their logs, and message expiry, across restarts.</summary>
public sealed class PagingRestartTests : RestartFixture
{
    [Test]
    public async Task A_queue_longer_than_its_memory_limit_pages_to_its_log_and_comes_back_whole_and_in_order()
    {
        const int MemoryLimit = 10;
        var expected = new List<(string, bool)>();
        await WithBrokerAsync(
            async (connection, channel) =>
            {
                await channel.QueueDeclareAsync("long", durable: true, exclusive: false, autoDelete: false);
                for (var i = 0; i < 60; i++)
                {
                    // Every fifth is transient: it waits in memory among the paged ones and is gone after the restart.
                    await PublishAsync(channel, "long", $"m{i}", persistent: i % 5 != 4);
                }

                var unacked = await channel.BasicGetAsync("long", autoAck: false);
                Assert.That(unacked, Is.Not.Null);
                var paged = new List<(string Body, bool Redelivered)>();
                for (var i = 0; i < 45; i++)
                {
                    var got = await channel.BasicGetAsync("long", autoAck: true);
                    paged.Add((System.Text.Encoding.UTF8.GetString(got!.Body.Span), got.Redelivered));
                }

                Assert.That(paged, Is.EqualTo(Enumerable.Range(1, 45).Select(i => ($"m{i}", false))), "paged messages come back in order, transient ones in their place");
                expected.Add(("m0", true));
                expected.AddRange(Enumerable.Range(46, 14).Where(i => i % 5 != 4).Select(i => ($"m{i}", false)));
            },
            MemoryLimit);

        await WithBrokerAsync(async (_, channel) => Assert.That(await DrainAsync(channel, "long"), Is.EqualTo(expected)), MemoryLimit);
    }

    [Test]
    public async Task A_recovered_queue_longer_than_its_memory_limit_pages_the_rest()
    {
        await WithBrokerAsync(async (_, channel) =>
        {
            await channel.QueueDeclareAsync("long", durable: true, exclusive: false, autoDelete: false);
            for (var i = 0; i < 30; i++)
            {
                await PublishAsync(channel, "long", $"m{i}", persistent: true);
            }
        });

        await using var broker = await StartAsync(queueMemoryLimit: 5);
        var queue = broker.Broker.FindVirtualHost("/")!.FindQueue("long")!;
        Assert.That((queue.ReadyCount, queue.ReadyBytes), Is.EqualTo((30, 10 * 2 + 20 * 3L)), "paged messages count with their sizes");
        await using var connection = await new ConnectionFactory { Uri = broker.AmqpUri, AutomaticRecoveryEnabled = false }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        Assert.That(await DrainAsync(channel, "long"), Is.EqualTo(Enumerable.Range(0, 30).Select(i => ($"m{i}", false))));
    }

    [Test]
    public async Task A_message_ttl_keeps_counting_through_a_restart()
    {
        const int TtlMs = 1000;
        System.Diagnostics.Stopwatch? published = null;
        await WithBrokerAsync(async (_, channel) =>
        {
            await channel.QueueDeclareAsync("q", durable: true, exclusive: false, autoDelete: false);
            await channel.BasicPublishAsync(string.Empty, "q", mandatory: false, new BasicProperties { Persistent = true, Expiration = $"{TtlMs}" }, "expires"u8.ToArray());
            await PublishAsync(channel, "q", "stays", persistent: true);

            // Counted from when the broker certainly has the message, so its expiry lies before the end of the wait.
            Assert.That(await channel.MessageCountAsync("q"), Is.EqualTo(2u));
            published = System.Diagnostics.Stopwatch.StartNew();
        });

        // The message must reach its expiry while the broker is down; a TTL restarted at recovery would keep it.
        var remaining = TimeSpan.FromMilliseconds(TtlMs) - published!.Elapsed;
        if (remaining > TimeSpan.Zero)
        {
            await Task.Delay(remaining);
        }

        await WithBrokerAsync(async (_, channel) => Assert.That(await DrainAsync(channel, "q"), Is.EqualTo(new[] { ("stays", false) })));
    }
}
