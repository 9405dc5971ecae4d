using System.Runtime.InteropServices;
using AmqpBroker.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

// The broker executable: reads settings (appsettings.json, then environment variables such as
// Broker__Port, then command-line switches), starts a BrokerHost, prints one "ready" line naming the
// bound AMQP address (and the admin API's, unless --management-port -1 turned it off), and stops cleanly
// on Ctrl-C or SIGTERM.
var switches = new Dictionary<string, string>
{
    ["--port"] = "Broker:Port",
    ["--management-port"] = "Broker:ManagementPort",
    ["--bind"] = "Broker:Bind",
    ["--data-dir"] = "Broker:DataDir",
    ["--queue-memory-limit"] = "Broker:QueueMemoryLimit",
    ["--max-open-files"] = "Broker:MaxOpenFiles",
};
var configuration = new ConfigurationBuilder()
    .SetBasePath(AppContext.BaseDirectory)
    .AddJsonFile("appsettings.json", optional: true)
    .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
    .AddEnvironmentVariables()
    .AddCommandLine(args.Select(a => a == "--in-memory" ? "--Broker:InMemory=true" : a).ToArray(), switches)
    .Build();

var options = new BrokerOptions();
configuration.GetSection("Broker").Bind(options);

using var stopping = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

await using var host = await BrokerHost.StartAsync(options, logging => logging
    .AddConfiguration(configuration.GetSection("Logging"))
    .AddSimpleConsole(console => { console.SingleLine = true; console.TimestampFormat = "HH:mm:ss.fff "; }));

var storage = options.InMemory ? "in memory" : $"data in {Path.GetFullPath(options.DataDir)}";
var management = host.ManagementEndPoint is { } endPoint ? $", management http://{endPoint}/" : "";
Console.WriteLine($"AmqpBroker ready: amqp://{host.AmqpEndPoint} ({storage}){management}");

try
{
    await Task.Delay(Timeout.Infinite, stopping.Token);
}
catch (OperationCanceledException)
{
    Console.WriteLine("AmqpBroker stopping");
}

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stopping.Cancel();
}
