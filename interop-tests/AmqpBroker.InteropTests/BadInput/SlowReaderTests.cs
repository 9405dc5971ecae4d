namespace AmqpBroker.InteropTests.BadInput;

/// <summary>
/// A client that consumes but never reads its socket cannot make the broker buffer without bound: its deliveries
/// stop at the connection writer's watermark while 200 MB are published to its queue, the broker executable's peak
/// resident memory grows by far less than that, and a consumer of another queue keeps receiving all along.
/// </summary>
[TestFixture]
[OwnBrokerOnly("starts the broker executable and reads its memory from /proc")]
public sealed class SlowReaderTests
{
    private const int MessageSize = 64 * 1024;
    private const long FloodBytes = 200L * 1024 * 1024;
    private const int OtherEvery = 10;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Test]
    public async Task A_consumer_that_never_reads_holds_back_only_its_own_deliveries()
    {
        BrokerProcess.RequireProcMemory();
        await using var broker = await ScratchBroker.StartAsync("slow-reader", ["--management-port", "-1", "--in-memory"]);
        await using var connection = await broker.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        // The stalled queue keeps 100 messages at most, so only a delivery buffer could hold the flood.
        var stalled = (await channel.QueueDeclareAsync("", durable: false, exclusive: false, autoDelete: true, new Dictionary<string, object?> { ["x-max-length"] = 100 })).QueueName;
        var other = (await channel.QueueDeclareAsync(exclusive: true)).QueueName;
        var consumer = new CollectingConsumer(channel);
        await channel.BasicConsumeAsync(other, autoAck: true, consumer);

        await using var neverReads = await RawClient.ConnectWithChannelAsync(broker.AmqpUri);
        await neverReads.SendMethodAsync(1, 60, 20, w => w.Short(0).ShortStr(stalled).ShortStr("").Octet(0b0010).EmptyTable()); // no-ack
        await neverReads.ExpectMethodAsync(1, 60, 21);
        var before = broker.Process.ResidentMiB;

        var (published, toOther) = await FloodAsync(channel, stalled, other);
        await WaitForAsync(() => consumer.Received >= toOther);

        var peak = broker.Process.PeakResidentMiB;
        var delivered = await DrainDeliveriesAsync(neverReads);
        await TestContext.Out.WriteLineAsync($"{published:N0} messages of {MessageSize / 1024} KiB published; RSS {before} MiB before, peak {peak} MiB; {delivered} delivered to the client that never read");
        Assert.That(delivered, Is.InRange(1, published / 4), "deliveries to the client that never read (what was buffered, then the queue's last 100)");
        Assert.That(consumer.Received, Is.EqualTo(toOther), "the other queue's consumer got every message");
        Assert.That(peak - before, Is.LessThan(FloodBytes / (1024 * 1024) / 2), "peak resident memory grew by half the flood or more");
        Assert.That(broker.Process.HasExited, Is.False);
    }

    /// <summary>Publishes <see cref="FloodBytes"/> to the stalled queue, every tenth message to the other one too; returns both counts.</summary>
    private static async Task<(long Published, int ToOther)> FloodAsync(IChannel channel, string stalled, string other)
    {
        var body = new byte[MessageSize];
        using var deadline = new CancellationTokenSource(Deadline);
        long published = 0;
        var toOther = 0;
        for (long sent = 0; sent < FloodBytes; sent += MessageSize)
        {
            await channel.BasicPublishAsync("", stalled, body, deadline.Token);
            if (++published % OtherEvery == 0)
            {
                await channel.BasicPublishAsync("", other, "still served"u8.ToArray(), deadline.Token);
                toOther++;
            }
        }

        return (published, toOther);
    }

    /// <summary>Reads at last, until the broker has sent nothing for a while: how many deliveries had been held back for the client.</summary>
    private static async Task<int> DrainDeliveriesAsync(RawClient client)
    {
        var delivered = 0;
        while (true)
        {
            var next = client.ReadFrameAsync();
            if (await Task.WhenAny(next, Task.Delay(TimeSpan.FromSeconds(2))) != next)
            {
                return delivered;
            }

            if (await next is { Type: 1, Payload: [0, 60, 0, 60, ..] })
            {
                delivered++;
            }
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!condition() && DateTime.UtcNow < until)
        {
            await Task.Delay(20);
        }
    }
}
