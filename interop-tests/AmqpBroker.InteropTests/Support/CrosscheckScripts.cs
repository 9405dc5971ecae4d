using System.Diagnostics;

namespace AmqpBroker.InteropTests.Support;

/// <summary>
/// Runs the scripts of tools/crosscheck: Python ones (pika, Celery) with a python3 that has the module they need
/// (Debian's python3-pika, python3-celery), Node.js ones (amqplib) with node and the packages npm installed there,
/// Java ones with java and Debian's librabbitmq-client-java, Go ones with go and Debian's amqp091-go. Shared by the
/// interop and framework test projects.
/// </summary>
internal static class CrosscheckScripts
{
    /// <summary>/usr/bin/python3 first (where Debian's packages install), then python3 on the PATH; null when neither can import <paramref name="module"/>.</summary>
    public static async Task<string?> FindPythonAsync(string module = "pika")
    {
        foreach (var candidate in new[] { "/usr/bin/python3", "python3" })
        {
            if (candidate.StartsWith('/') && !File.Exists(candidate))
            {
                continue;
            }

            if (await SucceedsAsync(candidate, "-c", $"import {module}"))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>node, when it is installed and <c>npm ci</c> has installed <paramref name="package"/> in tools/crosscheck; null otherwise.</summary>
    public static async Task<string?> FindNodeAsync(string package)
    {
        if (!Directory.Exists(System.IO.Path.Combine(RepositoryRoot(), "tools", "crosscheck", "node_modules", package)))
        {
            return null;
        }

        return await SucceedsAsync("node", "--version") ? "node" : null;
    }

    /// <summary>
    /// The class path of the RabbitMQ Java client (Debian's librabbitmq-client-java, with the slf4j API it needs),
    /// when java and the client are installed; null otherwise.
    /// </summary>
    public static async Task<string?> FindJavaClientClassPathAsync()
    {
        string[] jars = ["/usr/share/java/amqp-client.jar", "/usr/share/java/slf4j-api.jar"];
        if (!jars.All(File.Exists))
        {
            return null;
        }

        return await SucceedsAsync("java", "-version") ? string.Join(':', jars) : null;
    }

    /// <summary>
    /// The command that runs a Go program of tools/crosscheck in GOPATH mode against Debian's Go packages, when go and
    /// golang-github-rabbitmq-amqp091-go-dev are installed; null otherwise.
    /// </summary>
    public static async Task<string[]?> FindGoClientAsync()
    {
        const string GoPath = "/usr/share/gocode";
        if (!Directory.Exists($"{GoPath}/src/github.com/rabbitmq/amqp091-go"))
        {
            return null;
        }

        return await SucceedsAsync("go", "version") ? ["GO111MODULE=off", $"GOPATH={GoPath}", "go", "run"] : null;
    }

    /// <summary>
    /// Runs <paramref name="script"/> of tools/crosscheck with <paramref name="runtime"/> (and its <paramref name="options"/>)
    /// and asserts that it passed: exit code 0 and its "all checks passed" line. Its output goes to the test's log and is returned.
    /// </summary>
    public static async Task<string> AssertPassesAsync(string runtime, string script, string[] arguments, TimeSpan deadline, string[]? options = null)
    {
        var path = Path(script);
        string[] commandLine = [.. options ?? [], path, .. arguments];
        var (exitCode, output) = await RunAsync(runtime, commandLine, deadline);
        await TestContext.Out.WriteLineAsync($"{runtime} {string.Join(' ', commandLine)}{Environment.NewLine}{output}");

        Assert.That(exitCode, Is.Zero, $"{script} exited with {exitCode}:{Environment.NewLine}{output}");
        Assert.That(output, Does.Contain("all checks passed"));
        return output;
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

    /// <summary>Whether <paramref name="fileName"/> is installed and exits with 0 when run with <paramref name="arguments"/>.</summary>
    private static async Task<bool> SucceedsAsync(string fileName, params string[] arguments)
    {
        try
        {
            return (await RunAsync(fileName, arguments, TimeSpan.FromSeconds(20))).ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // not installed at all
        }
    }

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
