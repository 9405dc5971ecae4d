using System.Globalization;

namespace AmqpBroker.InteropTests.Fuzzing;

/// <summary>
/// Frame-level fuzzing of the broker executable in a child process (so that a crash is seen as the
/// process ending, not as the test host dying): deep nesting, lying lengths, truncated tables, bad type
/// tags and mutated valid frames, before login and on an open channel. After every batch the process must
/// be alive, must have closed every case's connection, must have logged no error (an unexpected exception;
/// protocol errors are not logged at that level), and must serve a fresh connection.
/// <c>FUZZ_SEED</c> repeats a run (the seed is printed), <c>FUZZ_CASES</c> makes it longer.
/// </summary>
[TestFixture]
public sealed class FrameFuzzTests
{
    private const int BatchSize = 1_000;
    private const int Concurrency = 32;

    [Test]
    [OwnBrokerOnly("the fuzzer attacks the broker executable it starts itself")]
    public async Task Fuzzed_frames_never_take_the_broker_down_or_leave_a_connection_hanging()
    {
        var seed = EnvironmentNumber("FUZZ_SEED") ?? Random.Shared.Next();
        var total = EnvironmentNumber("FUZZ_CASES") ?? 100_000;
        await TestContext.Progress.WriteLineAsync($"frame fuzzer: FUZZ_SEED={seed} FUZZ_CASES={total}");

        await using var broker = await ScratchBroker.StartAsync(
            "fuzz", ["--management-port", "-1", "--in-memory"], new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Error" });
        var runner = new FuzzRunner("127.0.0.1", broker.Ready.Port);
        var generator = new FuzzCaseGenerator(seed);

        for (var done = 0; done < total; done += BatchSize)
        {
            var batch = Enumerable.Range(0, Math.Min(BatchSize, total - done)).Select(_ => generator.Next()).ToList();
            var hung = await runner.RunAsync(batch, Concurrency);

            var where = $"after cases {done}..{done + batch.Count - 1} of FUZZ_SEED={seed}";
            Assert.That(broker.Process.HasExited, Is.False, $"the broker died {where}:{Environment.NewLine}{broker.Process.Output}");
            Assert.That(hung, Is.Empty, $"connections left open {where}");
            Assert.That(FuzzDifferences.LoggedFailures(broker.Process.Output), Is.Empty, $"errors logged {where}");
            await AssertServesAsync(broker.Ready.Port, where);
        }
    }

    private static async Task AssertServesAsync(int port, string where)
    {
        var factory = new ConnectionFactory { HostName = "127.0.0.1", Port = port };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var queue = (await channel.QueueDeclareAsync(exclusive: true)).QueueName;
        await channel.BasicPublishAsync("", queue, "alive"u8.ToArray());
        var deadline = DateTime.UtcNow + BrokerTestBase.Timeout;
        while (await channel.BasicGetAsync(queue, autoAck: true) is null)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"a fresh connection was not served {where}");
            await Task.Delay(10);
        }
    }

    internal static int? EnvironmentNumber(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
