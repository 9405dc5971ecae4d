using System.Diagnostics;

namespace AmqpBroker.InteropTests.Support;

/// <summary>Runs the pika scripts of tools/crosscheck with a python3 that has pika (Debian's python3-pika).</summary>
internal static class PikaScripts
{
    /// <summary>/usr/bin/python3 first (where Debian's python3-pika installs), then python3 on the PATH.</summary>
    public static async Task<string?> FindPythonAsync()
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

    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, string[] arguments, TimeSpan deadline)
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

    /// <summary>A script of tools/crosscheck.</summary>
    public static string Path(string script) => System.IO.Path.Combine(RepositoryRoot(), "tools", "crosscheck", script);

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "AmqpBroker.sln")))
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
