using System.Diagnostics;
using System.Globalization;

namespace AmqpBroker.InteropTests.Durability;

/// <summary>
/// Issue 5's crash test. The broker executable runs as a child process on a temporary data directory;
/// three publishers with confirms and a manual-ack consumer (whose connection carries a fourth publisher)
/// work on one durable queue until the broker is killed with SIGKILL at a random moment. The broker is
/// restarted on the same directory, the queue drained, and what comes back is held against what the clients
/// saw by the rules in <see cref="CrashVerdict"/>: every confirmed, unacked message exactly once, deliveries
/// that were not acked back with redelivered=true, acks that were provably on disk not undone, nothing
/// twice, nothing that was not sent. Each cycle runs on the broker the last one restarted, with a new queue.
/// <para>
/// The seed is printed; <c>CRASH_SEED=n</c> repeats its kill points and <c>CRASH_CYCLES=n</c> (default 3)
/// runs longer, e.g. <c>CRASH_CYCLES=100 dotnet test interop-tests/AmqpBroker.InteropTests -c Release --filter CrashTests</c>.
/// </para>
/// </summary>
[TestFixture]
[OwnBrokerOnly("AMQP_URI is set: the crash test kills a broker process of its own")]
public sealed class CrashTests
{
    private const int Publishers = 3;
    private const int DefaultCycles = 3;

    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan LoadDeadline = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan DrainDeadline = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan KillDeadline = TimeSpan.FromSeconds(10);

    // The kill comes this long at most after the load has exercised every rule.
    private static readonly TimeSpan MaxKillDelay = TimeSpan.FromMilliseconds(1500);

    private string _root = null!;
    private BrokerProcess? _broker;
    private int _port;

    [SetUp]
    public void CreateDirectories()
    {
        _root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "amqpbroker-crash-" + Guid.NewGuid().ToString("N"))).FullName;
    }

    [TearDown]
    public async Task StopBrokerAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
            _broker = null;
        }

        if (_root is null || !Directory.Exists(_root))
        {
            return;
        }

        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            // The segment logs are the evidence of a failure: keep them for whoever reproduces it.
            await TestContext.Out.WriteLineAsync($"the broker's data directory is kept in {_root}");
            return;
        }

        Directory.Delete(_root, recursive: true);
    }

    [Test]
    public async Task Confirmed_messages_survive_SIGKILL_exactly_once_and_unacked_deliveries_come_back_redelivered()
    {
        var seed = EnvironmentNumber("CRASH_SEED") ?? Random.Shared.Next();
        var cycles = EnvironmentNumber("CRASH_CYCLES") ?? DefaultCycles;
        await TestContext.Out.WriteLineAsync($"crash test: seed {seed}, {cycles} cycles (repeat with CRASH_SEED={seed} CRASH_CYCLES={cycles})");
        var random = new Random(seed);
        var dataDirectory = Path.Combine(_root, "data");
        await StartBrokerAsync(dataDirectory);

        for (var cycle = 1; cycle <= cycles; cycle++)
        {
            var queue = $"crash-{cycle}";
            CrashBefore before;
            var killDelay = TimeSpan.FromMilliseconds(random.Next((int)MaxKillDelay.TotalMilliseconds));
            await using (var load = await CrashLoad.StartAsync(_port, queue, Publishers, random.Next()))
            {
                await load.WaitUntilExercisedAsync(LoadDeadline);

                // The random kill point itself, not a wait for something to happen.
                await Task.Delay(killDelay);
                var killedAt = Stopwatch.GetTimestamp();
                await _broker!.KillAsync(KillDeadline);
                before = await load.StopAsync(killedAt);
            }

            await _broker!.DisposeAsync();
            var killedState = Path.Combine(_root, "killed");
            CopyDirectory(dataDirectory, killedState);
            var restart = Stopwatch.StartNew();
            await StartBrokerAsync(dataDirectory);
            var restartedIn = restart.Elapsed;
            var after = await CrashDrain.DrainAsync(_port, queue, DrainDeadline);

            var verdict = CrashVerdict.Check(before, after);
            await TestContext.Out.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"cycle {cycle}: killed {killDelay.TotalMilliseconds:0} ms after every rule was exercised, back in {restartedIn.TotalMilliseconds:0} ms with {after.CountAtStart} messages; {verdict.Summary}"));
            Assert.That(
                verdict.Violations,
                Is.Empty,
                $"cycle {cycle} of CRASH_SEED={seed}; the data directory as the kill left it is in {killedState}; broker output after the restart:{Environment.NewLine}{_broker!.Output}");
            await CrashDrain.DeleteQueueAsync(_port, queue);
        }
    }

    /// <summary>Starts the executable on an ephemeral loopback port, without the admin API, and waits for its ready line.</summary>
    private async Task StartBrokerAsync(string dataDirectory)
    {
        _broker = BrokerProcess.Start(["--port", "0", "--management-port", "-1", "--bind", "127.0.0.1", "--data-dir", dataDirectory], [], _root);
        _port = (await _broker.WaitForReadyAsync(StartDeadline)).Port;
    }

    /// <summary>The restart repairs torn tails in place, so the evidence of a failure is copied before it.</summary>
    private static void CopyDirectory(string source, string destination)
    {
        if (Directory.Exists(destination))
        {
            Directory.Delete(destination, recursive: true);
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static int? EnvironmentNumber(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text ? int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture) : null;
}
