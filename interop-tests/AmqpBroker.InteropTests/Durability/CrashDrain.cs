namespace AmqpBroker.InteropTests.Durability;

/// <summary>What the restarted broker handed out: every message of the queue, and what was wrong with any of them.</summary>
internal sealed record CrashRecovered(uint CountAtStart, IReadOnlyList<(string Id, bool Redelivered)> Messages, IReadOnlyList<string> Defects);

/// <summary>
/// Empties the test queue after the restart with an auto-ack <see cref="CollectingConsumer"/>. The queue's
/// message count at the start says how many to wait for; anything delivered before the cancel is collected too.
/// </summary>
internal static class CrashDrain
{
    public static async Task<CrashRecovered> DrainAsync(int port, string queue, TimeSpan deadline)
    {
        await using var connection = await LoopbackFactory.For(port).CreateConnectionAsync("crash-drain");
        await using var channel = await connection.CreateChannelAsync();
        uint count;
        try
        {
            count = (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }
        catch (OperationInterruptedException e)
        {
            Assert.Fail($"the durable queue {queue} did not survive the restart: {e.Message}");
            throw;
        }

        var consumer = new CollectingConsumer(channel);
        var tag = await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        var deliveries = await consumer.TakeUpToAsync((int)count, deadline);
        if (deliveries.Count < count)
        {
            Assert.Fail($"{queue} held {count} messages at the restart, but only {deliveries.Count} were delivered within {deadline.TotalSeconds:0} s");
        }

        await channel.BasicCancelAsync(tag);
        deliveries = [.. deliveries, .. await consumer.TakeUpToAsync(int.MaxValue, TimeSpan.Zero)];
        var left = (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        return Recovered(count, deliveries, left);
    }

    /// <summary>Deletes the queue of a cycle that passed, so its log does not weigh on later restarts.</summary>
    public static async Task DeleteQueueAsync(int port, string queue)
    {
        await using var connection = await LoopbackFactory.For(port).CreateConnectionAsync("crash-cleanup");
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeleteAsync(queue);
    }

    private static CrashRecovered Recovered(uint count, IReadOnlyList<Delivery> deliveries, uint left)
    {
        var messages = new List<(string Id, bool Redelivered)>();
        var defects = new List<string>();
        foreach (var delivery in deliveries)
        {
            if (CrashMessage.Defect(delivery.Properties, delivery.Body) is { } defect)
            {
                defects.Add($"after the restart: {defect}");
            }
            else
            {
                messages.Add((delivery.Properties.MessageId!, delivery.Redelivered));
            }
        }

        if (left != 0)
        {
            defects.Add($"{left} messages were still ready after {count} were drained");
        }

        return new CrashRecovered(count, messages, defects);
    }
}
