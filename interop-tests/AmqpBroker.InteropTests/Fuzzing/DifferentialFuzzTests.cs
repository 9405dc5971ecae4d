using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace AmqpBroker.InteropTests.Fuzzing;

/// <summary>
/// The frame fuzzer as a differential test: with <c>AMQP_URI</c> and <c>MANAGEMENT_URI</c> pointing at RabbitMQ,
/// a bounded sample of generated cases (<c>FUZZ_DIFF_CASES</c>, 2,000 by default, within a time budget) is sent to
/// RabbitMQ and to the broker executable (run as RabbitMQ 3.10), each case in a virtual host made for the run
/// with its queue and exchange names made unique, so that every case meets the same state on both. How each
/// broker ended the case (which close method, which reply code) must agree, except for the differences
/// <see cref="FuzzDifferences"/> lists with a reason. It runs alone: its queues carry argument tables nested thousands
/// deep, and RabbitMQ's definitions export, which other fixtures request meanwhile, stalls past their timeout on them.
/// </summary>
[NonParallelizable]
public sealed class DifferentialFuzzTests
{
    private const int Concurrency = 16;
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(3);

    /// <summary>Long enough for both brokers to have answered whatever a case's frames call for.</summary>
    private static readonly TimeSpan HoldOpen = TimeSpan.FromSeconds(1);

    [Test]
    public async Task Fuzzed_frames_end_as_rabbitmq_ends_them()
    {
        if (Environment.GetEnvironmentVariable("AMQP_URI") is not { Length: > 0 } amqpUri || BrokerAdmin.ManagementUri is not { } managementUri)
        {
            Assert.Ignore("compares with the RabbitMQ at AMQP_URI and MANAGEMENT_URI");
            return;
        }

        var seed = FrameFuzzTests.EnvironmentNumber("FUZZ_SEED") ?? Random.Shared.Next();
        var total = FrameFuzzTests.EnvironmentNumber("FUZZ_DIFF_CASES") ?? 2_000;
        await TestContext.Progress.WriteLineAsync($"differential fuzzer: FUZZ_SEED={seed} FUZZ_DIFF_CASES={total}");
        var rabbit = new Uri(amqpUri);
        var virtualHost = $"fuzz-diff-{Guid.NewGuid():N}";
        await using var broker = await ScratchBroker.StartAsync(
            "fuzz-diff", ["--management-port", "0", "--in-memory", "--rabbitmq-version", "3.10"], new Dictionary<string, string> { ["Logging__LogLevel__Default"] = "Error" });
        using var ourAdmin = Admin(new Uri($"http://127.0.0.1:{broker.Ready.ManagementPort}/"), "guest:guest");
        using var theirAdmin = Admin(new Uri(managementUri), Uri.UnescapeDataString(rabbit.UserInfo));
        await AddVirtualHostAsync(ourAdmin, virtualHost);
        await AddVirtualHostAsync(theirAdmin, virtualHost);
        try
        {
            var ours = new FuzzRunner("127.0.0.1", broker.Ready.Port, virtualHost, HoldOpen);
            var theirs = new FuzzRunner(rabbit.Host, rabbit.Port, virtualHost, HoldOpen);
            var (compared, differences) = await CompareAsync(new FuzzCaseGenerator(seed), total, ours, theirs);
            await TestContext.Progress.WriteLineAsync($"differential fuzzer: {compared} cases compared, {differences.Count} differ");

            var unexplained = differences.Where(d => FuzzDifferences.Explain(d) is null).ToList();
            Assert.That(compared, Is.GreaterThan(Math.Min(total, 200)), "too few cases within the time budget to say anything");
            Assert.That(unexplained, Is.Empty, $"FUZZ_SEED={seed}: cases ending unlike RabbitMQ:{Environment.NewLine}{FuzzDifferences.Report(unexplained)}");
            Assert.That(FuzzDifferences.LoggedFailures(broker.Process.Output), Is.Empty, "errors logged");
        }
        finally
        {
            await ourAdmin.DeleteAsync($"api/vhosts/{virtualHost}");
            await theirAdmin.DeleteAsync($"api/vhosts/{virtualHost}");
        }
    }

    /// <summary>Runs each case on both brokers at once, <see cref="Concurrency"/> cases at a time, until done or out of time.</summary>
    private static async Task<(int Compared, List<FuzzDifference> Differences)> CompareAsync(FuzzCaseGenerator generator, int total, FuzzRunner ours, FuzzRunner theirs)
    {
        var differences = new List<FuzzDifference>();
        var compared = 0;
        var until = DateTime.UtcNow + Budget;
        using var slots = new SemaphoreSlim(Concurrency);
        var runs = new List<Task>();
        for (var i = 0; i < total && DateTime.UtcNow < until; i++)
        {
            var fuzzCase = UniqueNames(generator.Next());
            await slots.WaitAsync();
            runs.Add(Task.Run(async () =>
            {
                try
                {
                    var outcomes = await Task.WhenAll(ours.OutcomeAsync(fuzzCase), theirs.OutcomeAsync(fuzzCase));
                    lock (differences)
                    {
                        compared++;
                        if (outcomes[0] != outcomes[1])
                        {
                            differences.Add(new FuzzDifference(fuzzCase, outcomes[0], outcomes[1]));
                        }
                    }
                }
                finally
                {
                    slots.Release();
                }
            }));
        }

        await Task.WhenAll(runs);
        return (compared, differences);
    }

    /// <summary>The generator's queue "fuzz" and exchange "fuzz.x" renamed for this case alone (same length, so every length stays right).</summary>
    private static FuzzCase UniqueNames(FuzzCase fuzzCase)
    {
        var bytes = fuzzCase.Bytes.ToArray();
        var name = System.Text.Encoding.ASCII.GetBytes($"f{fuzzCase.Index % 4096:x3}");
        for (var at = bytes.AsSpan().IndexOf("fuzz"u8); at >= 0; at = bytes.AsSpan().IndexOf("fuzz"u8))
        {
            name.CopyTo(bytes, at);
        }

        return fuzzCase with { Bytes = bytes };
    }

    private static HttpClient Admin(Uri baseAddress, string credentials)
    {
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = BrokerTestBase.Timeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(credentials)));
        return http;
    }

    private static async Task AddVirtualHostAsync(HttpClient admin, string name)
    {
        (await admin.PutAsJsonAsync($"api/vhosts/{name}", new { })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"api/permissions/{name}/guest", new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
    }
}
