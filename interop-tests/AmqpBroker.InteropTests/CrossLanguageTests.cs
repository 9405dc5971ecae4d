using System.Diagnostics;
using System.Globalization;

namespace AmqpBroker.InteropTests;

/// <summary>
/// A second client library against the same broker: tools/crosscheck/pika_routing_check.py drives topic and
/// headers routing, exchange-to-exchange bindings, an alternate exchange and a transaction through Python's
/// pika. Skipped (not passed) where no python3 with pika is installed.
/// </summary>
[TestFixture]
public sealed class CrossLanguageTests : BrokerTestBase
{
    private static readonly TimeSpan ScriptDeadline = TimeSpan.FromSeconds(60);

    [Test]
    public async Task Pika_routing_check_passes()
    {
        var python = await FindPythonWithPikaAsync();
        if (python is null)
        {
            Assert.Ignore("python3-pika is not installed: the cross-language check did not run (apt-get install python3-pika)");
        }

        var script = Path.Combine(RepositoryRoot(), "tools", "crosscheck", "pika_routing_check.py");
        Assert.That(File.Exists(script), Is.True, $"{script} is missing");
        Assert.That(AmqpUri.Host, Is.EqualTo("127.0.0.1").Or.EqualTo("localhost"), "the script connects to 127.0.0.1 with guest/guest");

        var port = AmqpUri.Port.ToString(CultureInfo.InvariantCulture);
        var (exitCode, output) = await RunAsync(python!, [script, port], ScriptDeadline);
        await TestContext.Out.WriteLineAsync($"{python} {script} {port}{Environment.NewLine}{output}");

        Assert.That(exitCode, Is.Zero, $"pika_routing_check.py exited with {exitCode}:{Environment.NewLine}{output}");
        Assert.That(output, Does.Contain("all checks passed"));
    }

    /// <summary>/usr/bin/python3 first (where Debian's python3-pika installs), then python3 on the PATH.</summary>
    private static async Task<string?> FindPythonWithPikaAsync()
    {
        foreach (var candidate in new[] { "/usr/bin/python3", "python3" })
        {
            if (candidate.StartsWith('/') && !File.Exists(candidate))
            {
                continue;
            }

            try
            {
                var (exitCode, _) = await RunAsync(candidate, ["-c", "import pika"], TimeSpan.FromSeconds(20));
                if (exitCode == 0)
                {
                    return candidate;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // not installed at all
            }
        }

        return null;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, string[] arguments, TimeSpan deadline)
    {
        var startInfo = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(deadline);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"{fileName} {string.Join(' ', arguments)} did not finish within {deadline.TotalSeconds:0} s:{Environment.NewLine}{await stdout}{await stderr}");
        }

        var output = (await stdout) + (await stderr);
        return (process.ExitCode, output.TrimEnd());
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "AmqpBroker.sln")))
        {
            directory = directory.Parent;
        }

        if (directory is null)
        {
            Assert.Fail($"no AmqpBroker.sln above {AppContext.BaseDirectory}");
        }

        return directory!.FullName;
    }
}
