namespace AmqpBroker.InteropTests.Alarms;

/// <summary>
/// A publisher flooding a queue nobody consumes: the broker executable blocks it at the memory high watermark
/// (connection.blocked), and its resident memory never goes much beyond the watermark (peak RSS, VmHWM, read from
/// /proc after the flood), where without the watermark it would grow until the machine runs out.
/// </summary>
[TestFixture]
[OwnBrokerOnly("starts the broker executable and reads its peak memory from /proc")]
public sealed class MemoryFloodTests
{
    private const long WatermarkMiB = 300;
    private static readonly TimeSpan FloodDeadline = TimeSpan.FromSeconds(60);

    [Test]
    public async Task A_flood_without_consumers_is_stopped_near_the_watermark()
    {
        BrokerProcess.RequireProcMemory();
        await using var broker = await ScratchBroker.StartAsync("flood", ["--management-port", "-1", "--in-memory", "--memory-high-watermark", $"{WatermarkMiB}MiB"]);

        var blockedAfter = await FloodUntilBlockedAsync(broker);

        var peakMiB = broker.Process.PeakResidentMiB;
        await TestContext.Out.WriteLineAsync($"blocked after {blockedAfter:N0} messages of 4 KiB; peak RSS {peakMiB} MiB, watermark {WatermarkMiB} MiB");
        Assert.That(peakMiB, Is.LessThanOrEqualTo(WatermarkMiB * 1.2), "peak resident memory");
    }

    /// <summary>Publishes 4 KiB messages until connection.blocked arrives; returns how many were sent.</summary>
    private static async Task<long> FloodUntilBlockedAsync(ScratchBroker broker)
    {
        var connection = await broker.ConnectAsync();
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionBlockedAsync += (_, _) =>
        {
            blocked.TrySetResult();
            return Task.CompletedTask;
        };
        var channel = await connection.CreateChannelAsync();
        var queue = (await channel.QueueDeclareAsync(exclusive: true)).QueueName;
        var body = new byte[4096];
        using var deadline = new CancellationTokenSource(FloodDeadline);
        long sent = 0;
        try
        {
            // Once blocked, the broker stops reading and the socket fills: a publish then waits until the deadline.
            while (!blocked.Task.IsCompleted)
            {
                await channel.BasicPublishAsync("", queue, body, deadline.Token);
                sent++;
            }
        }
        catch (OperationCanceledException)
        {
        }

        Assert.That(blocked.Task.IsCompleted, Is.True, $"no connection.blocked after {sent:N0} messages");
        // The connection stays blocked; it ends with the broker process.
        return sent;
    }
}
