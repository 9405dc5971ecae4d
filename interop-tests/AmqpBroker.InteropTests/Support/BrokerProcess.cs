using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace AmqpBroker.InteropTests.Support;

/// <summary>What the broker's ready line said, and how long after the launch it came.</summary>
/// <param name="Line">The ready line as printed.</param>
/// <param name="Address">The bound AMQP address.</param>
/// <param name="Port">The bound AMQP port.</param>
/// <param name="Storage">Where its data is, or that it is in memory.</param>
/// <param name="ManagementPort">The admin API's port, or null when the ready line names none (it is disabled).</param>
/// <param name="Elapsed">From the launch to the ready line.</param>
internal sealed record BrokerReady(string Line, string Address, int Port, string Storage, int? ManagementPort, TimeSpan Elapsed);

/// <summary>
/// The broker executable as a child process (<c>dotnet AmqpBroker.dll</c>, the build matching the test
/// assembly's), its output collected line by line until it prints its ready line.
/// </summary>
internal sealed partial class BrokerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Stopwatch _sinceStart;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<(string Line, TimeSpan Elapsed)> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private BrokerProcess(Process process, Stopwatch sinceStart)
    {
        _process = process;
        _sinceStart = sinceStart;
    }

    public string Output => string.Join(Environment.NewLine, _output);

    public bool HasExited => _process.HasExited;

    /// <param name="args">The broker's command line.</param>
    /// <param name="environment">Variables set for it.</param>
    /// <param name="workingDirectory">Where it runs.</param>
    /// <param name="openFileLimit">A descriptor limit (RLIMIT_NOFILE) to run it under, set by prlimit, which then becomes the broker.</param>
    public static BrokerProcess Start(string[] args, Dictionary<string, string> environment, string workingDirectory, int? openFileLimit = null)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var startInfo = new ProcessStartInfo(openFileLimit is null ? dotnet : "prlimit")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (openFileLimit is { } limit)
        {
            startInfo.ArgumentList.Add($"--nofile={limit}:{limit}");
            startInfo.ArgumentList.Add(dotnet);
        }

        startInfo.ArgumentList.Add(BrokerDll());
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        // Nothing from the test run's own environment may configure the broker.
        foreach (var name in startInfo.Environment.Keys.Where(k => k.StartsWith("Broker__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            startInfo.Environment.Remove(name);
        }

        // The executable's Prometheus default (15692) is RabbitMQ's, taken on a machine that runs one: none unless a test asks.
        startInfo.Environment["Broker__PrometheusPort"] = "-1";
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        var process = new Process { StartInfo = startInfo };
        var broker = new BrokerProcess(process, new Stopwatch());
        process.OutputDataReceived += (_, e) => broker.OnLine(e.Data, "");
        process.ErrorDataReceived += (_, e) => broker.OnLine(e.Data, "stderr: ");
        broker._sinceStart.Start();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return broker;
    }

    public async Task<BrokerReady> WaitForReadyAsync(TimeSpan deadline)
    {
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(_ready.Task, exited, Task.Delay(deadline));
        if (first != _ready.Task)
        {
            Assert.Fail(first == exited
                ? $"the broker exited with code {_process.ExitCode} before it was ready:{Environment.NewLine}{Output}"
                : $"no ready line within {deadline.TotalSeconds:0} s:{Environment.NewLine}{Output}");
        }

        var (line, elapsed) = await _ready.Task;
        var match = ReadyLine().Match(line);
        return new BrokerReady(
            line,
            match.Groups["address"].Value,
            int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture),
            match.Groups["storage"].Value,
            match.Groups["managementPort"].Success ? int.Parse(match.Groups["managementPort"].Value, CultureInfo.InvariantCulture) : null,
            elapsed);
    }

    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        await kill.WaitForExitAsync();
        Assert.That(kill.ExitCode, Is.Zero, $"kill -{signal} {_process.Id}");
    }

    /// <summary>The exit code, or a test failure (and the process killed) if it is still running at the deadline.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan deadline)
    {
        using var cts = new CancellationTokenSource(deadline);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"the broker was still running {deadline.TotalSeconds:0} s later:{Environment.NewLine}{Output}");
        }

        // The parameterless wait also drains the redirected output.
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    /// <summary>SIGKILL to the broker itself (the dotnet host runs it in-process), then waits until it is gone.</summary>
    public async Task KillAsync(TimeSpan deadline)
    {
        _process.Kill(entireProcessTree: false);
        using var cts = new CancellationTokenSource(deadline);
        await _process.WaitForExitAsync(cts.Token);
    }

    /// <summary>The broker's process id (prlimit execs the broker, so it is the broker's own).</summary>
    public int Id => _process.Id;

    /// <summary>The broker's resident memory now (VmRSS in /proc), in MiB.</summary>
    public long ResidentMiB => StatusMiB("VmRSS");

    /// <summary>The broker's peak resident memory so far (VmHWM in /proc), in MiB.</summary>
    public long PeakResidentMiB => StatusMiB("VmHWM");

    /// <summary>Ignores the test where there is no /proc to read a process's memory from.</summary>
    public static void RequireProcMemory()
    {
        if (!File.Exists("/proc/self/status"))
        {
            Assert.Ignore("reads the broker's memory from /proc");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    /// <summary>src/AmqpBroker/bin/{configuration}/{tfm}/AmqpBroker.dll, matching the test assembly's own build.</summary>
    private static string BrokerDll()
    {
        var testDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testDirectory.Name;
        var configuration = testDirectory.Parent?.Name ?? "Release";
        var root = testDirectory;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "AmqpBroker.sln")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            Assert.Fail($"no AmqpBroker.sln above {AppContext.BaseDirectory}");
        }

        var dll = Path.Combine(root!.FullName, "src", "AmqpBroker", "bin", configuration, framework, "AmqpBroker.dll");
        if (!File.Exists(dll))
        {
            Assert.Fail($"{dll} does not exist: build the solution (dotnet build AmqpBroker.sln -c {configuration}) before running these tests");
        }

        return dll;
    }

    [GeneratedRegex(@"^AmqpBroker ready: amqp://(?<address>.+):(?<port>\d+) \((?<storage>.*?)\)(, management http://.+:(?<managementPort>\d+)/)?$")]
    private static partial Regex ReadyLine();

    private long StatusMiB(string field)
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    private void OnLine(string? line, string prefix)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(prefix + line);
        if (prefix.Length == 0 && ReadyLine().IsMatch(line))
        {
            _ready.TrySetResult((line, _sinceStart.Elapsed));
        }
    }
}
