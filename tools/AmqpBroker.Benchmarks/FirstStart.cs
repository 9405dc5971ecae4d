using System.Diagnostics;
using AmqpBroker.Hosting;

namespace AmqpBroker.Benchmarks;

/// <summary>
/// The first in-process start in a fresh process (nothing jitted yet), as a test run's first fixture pays
/// it, then the median of the next starts, as later fixtures pay them. Defaults: free ports, admin API on.
/// </summary>
internal static class FirstStart
{
    private const int WarmStarts = 20;

    public static async Task<int> RunAsync()
    {
        var first = await StartAndStopAsync();
        var warm = new List<double>();
        for (var i = 0; i < WarmStarts; i++)
        {
            warm.Add(await StartAndStopAsync());
        }

        warm.Sort();
        Console.WriteLine($"first start {first:F1} ms, warm start median {warm[WarmStarts / 2]:F1} ms ({WarmStarts} starts)");
        return 0;
    }

    /// <summary>Milliseconds until the broker was up; the stop is not counted.</summary>
    private static async Task<double> StartAndStopAsync()
    {
        var started = Stopwatch.StartNew();
        var broker = await BrokerHost.StartAsync(new BrokerOptions());
        var elapsed = started.Elapsed.TotalMilliseconds;
        await broker.DisposeAsync();
        return elapsed;
    }
}
