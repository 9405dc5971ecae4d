using AmqpBroker.Core.Snapshots;
using AmqpBroker.Hosting;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace AmqpBroker.Benchmarks;

/// <summary>
/// Isolation between tests on a broker holding 100 queues and 10,000 messages: a reset back to the empty
/// state after start (the broker is filled again before each one), taking a snapshot of the filled broker,
/// and restoring that snapshot.
/// </summary>
[MemoryDiagnoser]
public class ResetBenchmarks
{
    private BrokerHost _broker = null!;
    private BrokerSnapshot _filled = null!;

    [GlobalSetup]
    public async Task StartAsync()
    {
        _broker = await BrokerHost.StartAsync(new BrokerOptions());
        FilledBroker.Fill(_broker.Broker);
        _filled = BrokerSnapshot.Take(_broker.Broker);
        await _broker.ResetAsync();
    }

    [GlobalCleanup]
    public async Task StopAsync() => await _broker.DisposeAsync();

    [IterationSetup(Target = nameof(ResetFilledBroker))]
    public void Fill() => FilledBroker.Fill(_broker.Broker);

    [IterationSetup(Target = nameof(SnapshotFilledBroker))]
    public void RestoreFilled() => _broker.RestoreAsync(_filled).GetAwaiter().GetResult();

    [Benchmark]
    [InvocationCount(1)]
    public Task ResetFilledBroker() => _broker.ResetAsync();

    [Benchmark]
    public BrokerSnapshot SnapshotFilledBroker() => BrokerSnapshot.Take(_broker.Broker);

    [Benchmark]
    public Task RestoreFilledSnapshot() => _broker.RestoreAsync(_filled);
}
