using AmqpBroker.Hosting;
using BenchmarkDotNet.Attributes;

namespace AmqpBroker.Benchmarks;

/// <summary>
/// A warm in-process start and stop, as a test fixture does it: the defaults (free ports on loopback, in
/// memory, with the admin API) and without the admin API.
/// </summary>
[MemoryDiagnoser]
public class StartBenchmarks
{
    [Benchmark(Baseline = true)]
    public async Task StartAndStop()
    {
        await using var broker = await BrokerHost.StartAsync(new BrokerOptions());
    }

    [Benchmark]
    public async Task StartAndStopWithoutAdminApi()
    {
        await using var broker = await BrokerHost.StartAsync(new BrokerOptions { ManagementPort = BrokerOptions.ManagementDisabled });
    }
}
