using AmqpBroker.Benchmarks;
using BenchmarkDotNet.Running;

// The test toolkit's figures.
//   dotnet run -c Release -- --filter '*'          BenchmarkDotNet: warm start, reset, snapshot and restore
//   dotnet run -c Release -- first-start           one cold in-process start in this fresh process (tools/bench/cold-start.sh repeats it)
//   dotnet run -c Release -- ttl-precision [URI]   how late a 300 ms TTL dead-letters on the real clock (in-process broker, or the broker at URI)
return args.FirstOrDefault() switch
{
    "first-start" => await FirstStart.RunAsync(),
    "ttl-precision" => await TtlPrecision.RunAsync(args.Length > 1 ? new Uri(args[1]) : null),
    _ => Run(args),
};

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(StartBenchmarks).Assembly).Run(args);
    return 0;
}
