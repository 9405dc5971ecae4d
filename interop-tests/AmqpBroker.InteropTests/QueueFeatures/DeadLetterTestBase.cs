namespace AmqpBroker.InteropTests.QueueFeatures;

/// <summary>What the dead-lettering fixtures share: dead-letter targets, rejecting, and reading x-death entries.</summary>
public abstract class DeadLetterTestBase : BrokerTestBase
{
    private protected static void AssertDeath(object? entry, long count, string reason, string queue, string exchange, string[] routingKeys)
    {
        Assert.That(entry, Is.InstanceOf<IDictionary<string, object?>>(), "an x-death entry is a table");
        var death = (IDictionary<string, object?>)entry!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(death.TryGetValue("count", out var c) ? c : null, Is.TypeOf<long>().And.EqualTo(count), "count is a long");
            Assert.That(LongStr(death.TryGetValue("reason", out var r) ? r : null), Is.EqualTo(reason));
            Assert.That(LongStr(death.TryGetValue("queue", out var q) ? q : null), Is.EqualTo(queue));
            Assert.That(LongStr(death.TryGetValue("exchange", out var e) ? e : null), Is.EqualTo(exchange));
            var keys = death.TryGetValue("routing-keys", out var k) ? k : null;
            Assert.That(keys, Is.InstanceOf<IList<object?>>(), "routing-keys is an array");
            if (keys is IList<object?> list)
            {
                Assert.That(list.Select(LongStr), Is.EqualTo(routingKeys));
            }

            var time = death.TryGetValue("time", out var t) ? t : null;
            Assert.That(time, Is.TypeOf<AmqpTimestamp>(), "time is a timestamp");
            if (time is AmqpTimestamp timestamp)
            {
                Assert.That(timestamp.UnixTime, Is.EqualTo(DateTimeOffset.UtcNow.ToUnixTimeSeconds()).Within(10), "seconds since the epoch");
            }
        }
    }

    /// <summary>"queue reason count" of one x-death entry.</summary>
    private protected static string Summary(object? entry)
    {
        var death = (IDictionary<string, object?>)entry!;
        return $"{LongStr(death["queue"])} {LongStr(death["reason"])} {death["count"]}";
    }

    private protected static IList<object?> Deaths(IReadOnlyBasicProperties properties)
    {
        Assert.That(properties.Headers, Is.Not.Null.And.ContainKey("x-death"));
        var deaths = properties.Headers!["x-death"];
        Assert.That(deaths, Is.InstanceOf<IList<object?>>(), "x-death is an array");
        return (IList<object?>)deaths!;
    }

    private protected static async Task RejectNextAsync(IChannel channel, string queue)
    {
        var got = await GetEventuallyAsync(channel, queue, autoAck: false);
        await channel.BasicRejectAsync(got.DeliveryTag, requeue: false);
    }

    private protected async Task<(string Exchange, string Queue)> DeclareFanoutDeadLetterTargetAsync(IChannel channel)
    {
        var dlx = await DeclareExchangeAsync(channel, ExchangeType.Fanout, what: "dlx");
        var deadLetters = await DeclareQueueAsync(channel, "dlq");
        await channel.QueueBindAsync(deadLetters, dlx, string.Empty);
        return (dlx, deadLetters);
    }

    /// <summary>Two queues that dead-letter into each other through the default exchange, each with its own further arguments.</summary>
    private protected async Task<(string Q1, string Q2)> DeclareDeadLetterPairAsync(
        IChannel channel, (string Key, object? Value)[]? q1Arguments = null, (string Key, object? Value)[]? q2Arguments = null)
    {
        var q1 = Track(UniqueName("q1"));
        var q2 = Track(UniqueName("q2"));
        await channel.QueueDeclareAsync(q1, false, false, false, Args([.. q1Arguments ?? [], ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", q2)]));
        await channel.QueueDeclareAsync(q2, false, false, false, Args([.. q2Arguments ?? [], ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", q1)]));
        return (q1, q2);
    }
}
