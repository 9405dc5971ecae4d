using System.Text.Json.Nodes;

namespace AmqpBroker.InteropTests.Testing;

/// <summary>The executable as a test broker: --enable-fault-api and --record serve the faults and the recording over HTTP.</summary>
public class ExecutableToolkitTests
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(20);

    [Test]
    public async Task Switches_serve_the_fault_api_and_the_recording()
    {
        var workingDirectory = Directory.CreateTempSubdirectory("amqpbroker-toolkit-");
        try
        {
            await using var broker = BrokerProcess.Start(
                ["--port", "0", "--management-port", "0", "--in-memory", "--bind", "127.0.0.1", "--enable-fault-api", "--record"], [], workingDirectory.FullName);
            var ready = await broker.WaitForReadyAsync(StartDeadline);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ready.ManagementPort}/"), Timeout = TestBroker.Timeout };
            http.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String("guest:guest"u8));
            await using var connection = await LoopbackFactory.For(ready.Port).CreateConnectionAsync();
            var shutdown = TestBroker.NextShutdownAsync(connection);

            using var closed = await http.PostAsync("api/faults/connections/close", new StringContent("""{"text":"from the executable"}""", Encoding.UTF8, "application/json"));
            var recording = JsonNode.Parse(await http.GetStringAsync("api/recording"))!.AsArray();

            Assert.That(await closed.Content.ReadAsStringAsync(), Is.EqualTo("""{"affected":1}"""));
            Assert.That((await shutdown.WaitAsync(TestBroker.Timeout)).ReplyText, Is.EqualTo("CONNECTION_FORCED - from the executable"));
            Assert.That(recording.Select(c => (string?)c!["method"]), Does.Contain("connection.open"));
        }
        finally
        {
            workingDirectory.Delete(recursive: true);
        }
    }
}
