using System.Globalization;

namespace AmqpBroker.InteropTests.Alarms;

/// <summary>
/// A publisher flooding a queue nobody consumes: the broker executable blocks it at the memory high watermark
/// (connection.blocked), and its resident memory never goes much beyond the watermark (peak RSS, VmHWM, read from
/// /proc after the flood), where without the watermark it would grow until the machine runs out.
/// </summary>
[TestFixture]
public sealed class MemoryFloodTests
{
    private const long WatermarkMiB = 300;
    private static readonly TimeSpan FloodDeadline = TimeSpan.FromSeconds(60);

    [Test]
    public async Task A_flood_without_consumers_is_stopped_near_the_watermark()
    {
        if (Environment.GetEnvironmentVariable("AMQP_URI") is { Length: > 0 } || !File.Exists("/proc/self/status"))
        {
            Assert.Ignore("starts the broker executable and reads its peak memory from /proc");
        }

        var directory = Directory.CreateTempSubdirectory("amqpbroker-flood-");
        try
        {
            await using var broker = BrokerProcess.Start(
                ["--port", "0", "--bind", "127.0.0.1", "--management-port", "-1", "--in-memory", "--memory-high-watermark", $"{WatermarkMiB}MiB"],
                [],
                directory.FullName);
            var ready = await broker.WaitForReadyAsync(TimeSpan.FromSeconds(30));

            var blockedAfter = await FloodUntilBlockedAsync(ready.Port);

            var peakMiB = PeakResidentMiB(broker.Id);
            await TestContext.Out.WriteLineAsync($"blocked after {blockedAfter:N0} messages of 4 KiB; peak RSS {peakMiB} MiB, watermark {WatermarkMiB} MiB");
            Assert.That(peakMiB, Is.LessThanOrEqualTo(WatermarkMiB * 1.2), "peak resident memory");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Publishes 4 KiB messages until connection.blocked arrives; returns how many were sent.</summary>
    private static async Task<long> FloodUntilBlockedAsync(int port)
    {
        var factory = new ConnectionFactory { HostName = "127.0.0.1", Port = port };
        var connection = await factory.CreateConnectionAsync();
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

    private static long PeakResidentMiB(int processId)
    {
        var line = File.ReadLines($"/proc/{processId}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        var kilobytes = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return kilobytes / 1024;
    }
}
