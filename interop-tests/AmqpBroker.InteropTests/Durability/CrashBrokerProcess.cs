using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace AmqpBroker.InteropTests.Durability;

/// <summary>
/// The broker executable run as <c>dotnet AmqpBroker.dll</c> on an ephemeral loopback port and a given data
/// directory. The dotnet host runs the application in its own process, so <see cref="Kill"/> (SIGKILL on
/// Linux) hits the broker itself, with no wrapper process in between to catch it.
/// </summary>
internal sealed partial class CrashBrokerProcess : IAsyncDisposable
{
    private static readonly TimeSpan ExitDeadline = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<int> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CrashBrokerProcess(Process process) => _process = process;

    /// <summary>The ephemeral AMQP port from the ready line.</summary>
    public int Port { get; private set; }

    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>Starts the broker and waits for its ready line; fails the test if it exits or stays silent until the deadline.</summary>
    public static async Task<CrashBrokerProcess> StartAsync(string dataDirectory, string workingDirectory, TimeSpan deadline)
    {
        var startInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { BrokerDll(), "--port", "0", "--management-port", "-1", "--bind", "127.0.0.1", "--data-dir", dataDirectory })
        {
            startInfo.ArgumentList.Add(arg);
        }

        // Nothing from the test run's own environment may configure the broker.
        foreach (var name in startInfo.Environment.Keys.Where(k => k.StartsWith("Broker__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            startInfo.Environment.Remove(name);
        }

        var broker = new CrashBrokerProcess(new Process { StartInfo = startInfo });
        broker._process.OutputDataReceived += (_, e) => broker.OnLine(e.Data, string.Empty);
        broker._process.ErrorDataReceived += (_, e) => broker.OnLine(e.Data, "stderr: ");
        broker._process.Start();
        broker._process.BeginOutputReadLine();
        broker._process.BeginErrorReadLine();

        var exited = broker._process.WaitForExitAsync();
        var first = await Task.WhenAny(broker._ready.Task, exited, Task.Delay(deadline));
        if (first != broker._ready.Task)
        {
            var why = first == exited
                ? $"the broker exited with code {broker._process.ExitCode} before it was ready"
                : $"the broker printed no ready line within {deadline.TotalSeconds:0} s";
            await broker.DisposeAsync();
            Assert.Fail($"{why}:{Environment.NewLine}{broker.Output}");
        }

        broker.Port = await broker._ready.Task;
        return broker;
    }

    /// <summary>SIGKILL, then waits until the process is gone so nothing else touches its data directory.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        using var cts = new CancellationTokenSource(ExitDeadline);
        await _process.WaitForExitAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var cts = new CancellationTokenSource(ExitDeadline);
                await _process.WaitForExitAsync(cts.Token);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            // Never started, or already reaped.
        }

        _process.Dispose();
    }

    /// <summary>src/AmqpBroker/bin/{configuration}/{tfm}/AmqpBroker.dll, matching the test assembly's own build.</summary>
    private static string BrokerDll()
    {
        var testDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = testDirectory;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "AmqpBroker.sln")))
        {
            root = root.Parent;
        }

        var configuration = testDirectory.Parent?.Name ?? "Release";
        var dll = root is null ? null : Path.Combine(root.FullName, "src", "AmqpBroker", "bin", configuration, testDirectory.Name, "AmqpBroker.dll");
        if (dll is null || !File.Exists(dll))
        {
            Assert.Fail($"no broker build found for {AppContext.BaseDirectory}: build the solution (dotnet build AmqpBroker.sln -c {configuration}) first");
        }

        return dll!;
    }

    [GeneratedRegex(@"^AmqpBroker ready: amqp://.+:(?<port>\d+) \(")]
    private static partial Regex ReadyLine();

    private void OnLine(string? line, string prefix)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(prefix + line);
        if (prefix.Length == 0 && ReadyLine().Match(line) is { Success: true } match)
        {
            _ready.TrySetResult(int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture));
        }
    }
}
