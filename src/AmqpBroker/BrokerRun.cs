using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using AmqpBroker.Hosting;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace AmqpBroker;

/// <summary>
/// One run of the broker process: start, announce readiness, reload the TLS certificate files on SIGHUP, wait for
/// SIGINT/SIGTERM, stop. A start that fails for a reason the operator can fix (a port in use) is one line naming the
/// fix, not a stack trace.
/// </summary>
internal static partial class BrokerRun
{
    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string?> commandLine)
    {
        var configuration = BrokerConfiguration.Build(commandLine);
        var options = BrokerConfiguration.Options(configuration);
        using var stopping = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        BrokerHost? started = null;
        // Registered before the start so that an early SIGHUP does not end the process (its default action); Windows has no SIGHUP of its own.
        using var sighup = OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            started?.ReloadCertificates();
        });

        if (await TryStartAsync(options, configuration) is not { } host)
        {
            return 1;
        }

        await using (host)
        {
            started = host;
            AnnounceReady(host, options);
            await WaitForStopAsync(stopping.Token);
        }

        return 0;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stopping.Cancel();
        }
    }

    /// <summary>The started broker, or null after saying why it could not start where the operator can fix that.</summary>
    private static async Task<BrokerHost?> TryStartAsync(BrokerOptions options, IConfiguration configuration)
    {
        try
        {
            return await BrokerHost.StartAsync(options, logging => logging
                .AddConfiguration(configuration.GetSection("Logging"))
                // The generic host logs a failed start with its stack trace; the failures an operator can fix are answered below.
                .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None)
                .AddSimpleConsole(console => { console.SingleLine = true; console.TimestampFormat = "HH:mm:ss.fff "; }));
        }
        catch (IOException ex) when (ex.InnerException is AddressInUseException)
        {
            await Console.Error.WriteLineAsync(PortInUse(ex.Message, options));
            return null;
        }
    }

    private static async Task WaitForStopAsync(CancellationToken stopping)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, stopping);
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine("AmqpBroker stopping");
        }
    }

    /// <summary>
    /// Our ready line (scripts read the bound port from it), the TLS and Prometheus listeners on lines of their own, then RabbitMQ's, which container wait strategies
    /// such as Testcontainers' RabbitMQ module look for.
    /// </summary>
    private static void AnnounceReady(BrokerHost host, BrokerOptions options)
    {
        var storage = options.InMemory || options.DataDir is null ? "in memory" : $"data in {Path.GetFullPath(options.DataDir)}";
        var management = host.ManagementEndPoint is { } endPoint ? $", management http://{endPoint}/" : "";
        Console.WriteLine($"AmqpBroker ready: amqp://{host.AmqpEndPoint} ({storage}){management}");
        if (host.AmqpsEndPoint is { } amqps)
        {
            var https = host.ManagementTlsEndPoint is { } secure ? $", management https://{secure}/" : "";
            Console.WriteLine($"AmqpBroker TLS: amqps://{amqps}{https}");
        }

        if (host.PrometheusEndPoint is { } prometheus)
        {
            Console.WriteLine($"AmqpBroker Prometheus: http://{prometheus}/metrics");
        }

        Console.WriteLine("Server startup complete; 0 plugins started.");
    }

    /// <summary>Kestrel names the address it could not bind; the answer names the switch that moves it.</summary>
    private static string PortInUse(string error, BrokerOptions options)
    {
        var port = BoundPort().Match(error) is { Success: true } match ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : -1;
        var (what, option) = port == options.ManagementPort ? ("management", "--management-port")
            : port == options.PrometheusPort ? ("Prometheus", "--prometheus-port")
            : ("AMQP", "--port");
        return $"amqp-broker: {what} port {port} is already in use; choose another with {option} (0 picks a free one)";
    }

    [GeneratedRegex(@"https?://[^ ]*:(\d+)")]
    private static partial Regex BoundPort();
}
