using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AmqpBroker.InteropTests.Support;
using RabbitMQ.Client.Exceptions;

namespace AmqpBroker.InteropTests.Durability;

/// <summary>
/// The broker executable under the common default of 1,024 file descriptors (set with prlimit): thousands of
/// durable queues holding persistent messages, and an import of 100,000 durable queues, neither of which
/// may run it out of descriptors, while the admin API keeps answering. Before segment files went through a
/// bounded cache, the 812th durable queue failed with 541 and the admin API stopped answering.
/// </summary>
public sealed class FileDescriptorTests
{
    private const int DescriptorLimit = 1024;
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(30);

    private readonly List<BrokerProcess> _processes = [];
    private string _root = null!;

    [SetUp]
    public void CreateDirectory() =>
        _root = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "amqpbroker-fd-" + Guid.NewGuid().ToString("N"))).FullName;

    [TearDown]
    public async Task StopBrokersAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }

    [Test]
    public async Task Five_thousand_durable_queues_keep_their_persistent_messages_through_a_restart()
    {
        const int Queues = 5_000;
        var (broker, ready) = await StartAsync();
        using var http = Admin(ready);
        await using (var connection = await ConnectAsync(ready))
        {
            var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
            using var stopPolling = new CancellationTokenSource();
            var polling = CountFailedAnswersAsync(http, stopPolling.Token);
            for (var i = 0; i < Queues; i++)
            {
                await channel.QueueDeclareAsync(QueueName(i), durable: true, exclusive: false, autoDelete: false);
            }

            // Two persistent messages per queue, all in flight at once; each confirm waits for the fsync.
            var published = Enumerable.Range(0, Queues * 2).Select(n => channel.BasicPublishAsync(
                string.Empty, QueueName(n / 2), mandatory: false, new BasicProperties { Persistent = true }, Encoding.UTF8.GetBytes($"{n / 2}-{n % 2}")).AsTask());
            await Task.WhenAll(published);
            await stopPolling.CancelAsync();
            Assert.That(await polling, Is.Zero, "the admin API answered every request while the queues filled");

            var node = (await GetJsonAsync(http, "api/nodes"))!.AsArray().Single()!;
            Assert.That(node["fd_total"]!.GetValue<long>(), Is.EqualTo(DescriptorLimit));
            Assert.That(node["fd_used"]!.GetValue<int>(), Is.InRange(1, DescriptorLimit - 1));
            Assert.That(node["sockets_used"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(node["sockets_total"]!.GetValue<int>(), Is.InRange(100, DescriptorLimit));
        }

        await broker.SignalAsync("TERM");
        Assert.That(await broker.WaitForExitAsync(StopDeadline), Is.Zero, broker.Output);

        var (restarted, again) = await StartAsync();
        using var httpAgain = Admin(again);
        Assert.That((await GetJsonAsync(httpAgain, "api/overview"))!["object_totals"]!["queues"]!.GetValue<int>(), Is.EqualTo(Queues));
        await using var reconnected = await ConnectAsync(again);
        var reader = await reconnected.CreateChannelAsync();
        for (var i = 0; i < Queues; i++)
        {
            var first = await reader.BasicGetAsync(QueueName(i), autoAck: true);
            var second = await reader.BasicGetAsync(QueueName(i), autoAck: true);
            Assert.That((Text(first), Text(second)), Is.EqualTo(($"{i}-0", $"{i}-1")), $"queue {i}");
        }

        Assert.That(restarted.Output, Does.Not.Contain("Too many open files").And.Not.Contain("INTERNAL_ERROR"));
    }

    [Test]
    public async Task An_import_of_a_hundred_thousand_durable_queues_succeeds()
    {
        const int Queues = 100_000;
        var (broker, ready) = await StartAsync();
        using var http = Admin(ready);
        var file = new JsonObject
        {
            ["queues"] = new JsonArray([.. Enumerable.Range(0, Queues).Select(i => new JsonObject
            {
                ["name"] = QueueName(i),
                ["vhost"] = "/",
                ["durable"] = true,
                ["auto_delete"] = false,
                ["arguments"] = new JsonObject(),
            })]),
        };

        var stopwatch = Stopwatch.StartNew();
        using var response = await http.PostAsync("api/definitions", new StringContent(file.ToJsonString(), Encoding.UTF8, "application/json"));
        await TestContext.Out.WriteLineAsync($"imported {Queues} durable queues in {stopwatch.ElapsedMilliseconds} ms");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await response.Content.ReadAsStringAsync());
        Assert.That((await GetJsonAsync(http, "api/overview"))!["object_totals"]!["queues"]!.GetValue<int>(), Is.EqualTo(Queues));
        await using (var connection = await ConnectAsync(ready))
        {
            var channel = await connection.CreateChannelAsync();
            await channel.BasicPublishAsync(string.Empty, QueueName(Queues - 1), mandatory: false, new BasicProperties { Persistent = true }, "last"u8.ToArray());
            Assert.That(Text(await GetEventuallyAsync(channel, QueueName(Queues - 1))), Is.EqualTo("last"), "new connections are served and the queues work");
        }

        await broker.SignalAsync("TERM");
        Assert.That(await broker.WaitForExitAsync(StopDeadline), Is.Zero, broker.Output);
        var (_, again) = await StartAsync();
        using var httpAgain = Admin(again);
        Assert.That((await GetJsonAsync(httpAgain, "api/overview"))!["object_totals"]!["queues"]!.GetValue<int>(), Is.EqualTo(Queues), "every imported queue was stored");
    }

    [Test]
    public async Task Connections_past_the_socket_limit_are_refused_with_the_file_descriptor_alarm_until_one_closes()
    {
        // A limit barely above the reserve leaves room for a few dozen sockets, which this test fills.
        var (_, ready) = await StartAsync(openFileLimit: 360);
        using var http = Admin(ready);
        var socketLimit = (await GetJsonAsync(http, "api/nodes"))!.AsArray().Single()!["sockets_total"]!.GetValue<int>();
        Assert.That(socketLimit, Is.InRange(1, 100));
        var connections = new List<IConnection>();
        try
        {
            for (var i = 0; i < socketLimit; i++)
            {
                connections.Add(await ConnectAsync(ready));
            }

            await Assert.ThatAsync(() => ConnectAsync(ready), Throws.InstanceOf<BrokerUnreachableException>(), "one connection past the limit is refused");
            using (var alarmed = await http.GetAsync("api/health/checks/local-alarms"))
            {
                Assert.That(alarmed.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
                Assert.That(JsonNode.Parse(await alarmed.Content.ReadAsStringAsync())!["alarms"]![0]!["resource"]!.GetValue<string>(), Is.EqualTo("file descriptors"));
            }

            await connections[^1].CloseAsync();
            connections.RemoveAt(connections.Count - 1);
            await SocketsUsedBelowAsync(http, socketLimit);
            connections.Add(await ConnectAsync(ready));
            Assert.That(connections[^1].IsOpen, Is.True, "a freed socket serves the next connection");
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }

        using var cleared = await http.GetAsync("api/health/checks/local-alarms");
        Assert.That(cleared.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the alarm clears once sockets are below the limit");
    }

    /// <summary>Waits until the broker has let go of a closed connection's socket (it does so just after close-ok).</summary>
    private static async Task SocketsUsedBelowAsync(HttpClient http, int limit)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await GetJsonAsync(http, "api/nodes"))!.AsArray().Single()!["sockets_used"]!.GetValue<int>() >= limit)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the closed connection's socket was never released");
            await Task.Delay(10);
        }
    }

    private static string QueueName(int i) => $"fd-queue-{i:D6}";

    private static string? Text(BasicGetResult? result) => result is null ? null : Encoding.UTF8.GetString(result.Body.Span);

    private async Task<(BrokerProcess Process, BrokerReady Ready)> StartAsync(int openFileLimit = DescriptorLimit)
    {
        var process = BrokerProcess.Start(
            ["--port", "0", "--management-port", "0", "--bind", "127.0.0.1", "--data-dir", Path.Combine(_root, "data")], [], _root, openFileLimit);
        _processes.Add(process);
        return (process, await process.WaitForReadyAsync(StartDeadline));
    }

    private static Task<IConnection> ConnectAsync(BrokerReady ready) =>
        new ConnectionFactory { Uri = new Uri($"amqp://guest:guest@127.0.0.1:{ready.Port}/"), AutomaticRecoveryEnabled = false }.CreateConnectionAsync();

    private static HttpClient Admin(BrokerReady ready)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ready.ManagementPort}/"), Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("guest:guest"u8.ToArray()));
        return client;
    }

    private static async Task<JsonNode?> GetJsonAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        return JsonNode.Parse(body);
    }

    /// <summary>Asks /api/overview over and over until cancelled; returns how many answers were not 200 or never came.</summary>
    private static async Task<int> CountFailedAnswersAsync(HttpClient http, CancellationToken cancel)
    {
        var failed = 0;
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                using var response = await http.GetAsync("api/overview", CancellationToken.None);
                failed += response.StatusCode == HttpStatusCode.OK ? 0 : 1;
            }
            catch (HttpRequestException)
            {
                failed++;
            }

            await Task.Delay(50, CancellationToken.None);
        }

        return failed;
    }

    private static async Task<BasicGetResult> GetEventuallyAsync(IChannel channel, string queue)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            if (await channel.BasicGetAsync(queue, autoAck: true) is { } got)
            {
                return got;
            }

            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"nothing arrived in {queue}");
            await Task.Delay(10);
        }
    }
}
