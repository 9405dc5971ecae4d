using System.Buffers.Binary;
using System.Diagnostics;

namespace AmqpBroker.InteropTests.Durability;

/// <summary>
/// A 1 GiB backlog of transient messages in a non-durable queue: beyond the queue's in-memory limit their bodies
/// go to a temporary file under the data directory, so the broker executable's resident memory stays far below
/// the backlog (peak RSS, VmHWM, read from /proc), and every message comes back whole and in order, after which
/// the temporary files are gone. Without paging the broker would hold the whole gigabyte. Under a memory
/// watermark and the default in-memory limit, the alarm pages the backlog out, so blocked publishers go on.
/// </summary>
[TestFixture]
[OwnBrokerOnly("starts the broker executable and reads its peak memory from /proc")]
public sealed class TransientPagingTests
{
    private const int Messages = 16_384;
    private const int BodySize = 64 * 1024;
    private const long AllowedGrowthMiB = 300;
    private static readonly TimeSpan StepDeadline = TimeSpan.FromSeconds(30);

    [Test]
    public async Task A_one_gibibyte_transient_backlog_is_paged_out_and_comes_back_in_order()
    {
        await WithBrokerAsync(["--queue-memory-limit", "1000"], async (broker, connection, data) =>
        {
            var startMiB = broker.ResidentMiB;
            await using var channel = await connection.CreateChannelAsync();
            var queue = (await channel.QueueDeclareAsync("transient-backlog", durable: false, exclusive: false, autoDelete: false)).QueueName;

            var published = Stopwatch.StartNew();
            await PublishBacklogAsync(channel, queue);
            var pagedBytes = Directory.GetFiles(Path.Combine(data, "transient")).Sum(f => new FileInfo(f).Length);
            var peakMiB = broker.PeakResidentMiB;
            await TestContext.Out.WriteLineAsync(
                $"{Messages:N0} x {BodySize / 1024} KiB queued in {published.Elapsed.TotalSeconds:0.0} s; RSS {startMiB} MiB at start, peak {peakMiB} MiB; {pagedBytes / (1024 * 1024)} MiB in temporary files");

            Assert.That(peakMiB - startMiB, Is.LessThan(AllowedGrowthMiB), "peak resident memory above the idle broker's");
            Assert.That(pagedBytes, Is.GreaterThan(900L * 1024 * 1024), "all but the first thousand bodies are in the temporary files");

            await ConsumeInOrderAsync(channel, queue);
            Assert.That(Directory.GetFiles(Path.Combine(data, "transient")), Is.Empty, "released pages leave no file behind");
        });
    }

    [Test]
    public async Task Under_the_memory_alarm_a_transient_backlog_is_paged_out_so_that_publishing_goes_on()
    {
        // The default in-memory limit (20,000) would hold the whole backlog: only the memory alarm pages it.
        const long WatermarkMiB = 250;
        await WithBrokerAsync(["--memory-high-watermark", $"{WatermarkMiB}MiB"], async (broker, connection, _) =>
        {
            var blocked = 0;
            connection.ConnectionBlockedAsync += (_, _) =>
            {
                Interlocked.Increment(ref blocked);
                return Task.CompletedTask;
            };
            await using var channel = await connection.CreateChannelAsync();
            var queue = (await channel.QueueDeclareAsync("transient-alarm-backlog", durable: false, exclusive: false, autoDelete: false)).QueueName;

            var published = Stopwatch.StartNew();
            await PublishBacklogAsync(channel, queue);
            var peakMiB = broker.PeakResidentMiB;
            await TestContext.Out.WriteLineAsync(
                $"{Messages:N0} x {BodySize / 1024} KiB queued in {published.Elapsed.TotalSeconds:0.0} s; blocked {blocked} times; peak RSS {peakMiB} MiB, watermark {WatermarkMiB} MiB");

            Assert.That(peakMiB, Is.LessThan(WatermarkMiB * 1.5), "peak resident memory");
            await ConsumeInOrderAsync(channel, queue);
        });
    }

    /// <summary>Runs <paramref name="test"/> against the broker executable started with <paramref name="args"/> and a data directory of its own.</summary>
    private static async Task WithBrokerAsync(string[] args, Func<BrokerProcess, IConnection, string, Task> test)
    {
        BrokerProcess.RequireProcMemory();
        await using var broker = await ScratchBroker.StartAsync("transient-paging", ["--management-port", "-1", "--data-dir", "data", .. args]);
        await using var connection = await broker.ConnectAsync();
        await test(broker.Process, connection, Path.Combine(broker.Directory.FullName, "data"));
    }

    /// <summary>Publishes the backlog (no confirms) and waits until the queue holds all of it.</summary>
    private static async Task PublishBacklogAsync(IChannel channel, string queue)
    {
        using var deadline = new CancellationTokenSource(StepDeadline);
        var body = new byte[BodySize];
        for (var i = 0; i < Messages; i++)
        {
            Fill(body, i);
            await channel.BasicPublishAsync(string.Empty, queue, body, deadline.Token);
        }

        while ((await channel.QueueDeclarePassiveAsync(queue, deadline.Token)).MessageCount < Messages)
        {
            await Task.Delay(50, deadline.Token);
        }
    }

    private static async Task ConsumeInOrderAsync(IChannel channel, string queue)
    {
        var expected = new byte[BodySize];
        var next = 0;
        string? failure = null;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            Fill(expected, next);
            if (failure is null && !delivery.Body.Span.SequenceEqual(expected))
            {
                failure = $"message {next} came back as message {BinaryPrimitives.ReadInt32LittleEndian(delivery.Body.Span)} or damaged";
            }

            if (++next == Messages)
            {
                done.TrySetResult();
            }

            return Task.CompletedTask;
        };

        await channel.BasicQosAsync(0, 500, global: false);
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        var finished = await Task.WhenAny(done.Task, Task.Delay(StepDeadline));
        Assert.That(finished, Is.SameAs(done.Task), $"only {next:N0} of {Messages:N0} messages came back");
        Assert.That(failure, Is.Null);
    }

    /// <summary>The body of message <paramref name="index"/>: its index, then bytes that depend on it and their position.</summary>
    private static void Fill(byte[] body, int index)
    {
        BinaryPrimitives.WriteInt32LittleEndian(body, index);
        for (var j = sizeof(int); j < body.Length; j++)
        {
            body[j] = (byte)((index * 31) + j);
        }
    }
}
