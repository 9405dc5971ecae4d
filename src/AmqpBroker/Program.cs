using System.CommandLine;
using AmqpBroker;

// The broker executable (`amqp-broker` as a .NET tool): parses its switches strictly, reads settings
// (BrokerConfiguration), starts a BrokerHost, prints its ready lines and stops cleanly on Ctrl-C or SIGTERM.
// Exit codes: 0 after a clean stop (or --help/--version), 1 when the broker cannot start, 2 for a bad command line.
var commandLine = new BrokerCommandLine();
commandLine.Command.SetAction((parsed, cancellation) => BrokerRun.RunAsync(commandLine.Overrides(parsed)));
var result = commandLine.Command.Parse(args);
if (result.Errors.Count > 0)
{
    await Console.Error.WriteLineAsync($"amqp-broker: {result.Errors[0].Message} (see --help)");
    return 2;
}

// The broker handles SIGINT and SIGTERM itself (BrokerRun): it needs longer than the parser's grace to close clients.
return await result.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
