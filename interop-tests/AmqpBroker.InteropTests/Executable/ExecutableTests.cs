using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace AmqpBroker.InteropTests.Executable;

/// <summary>
/// The broker executable as an operator runs it: <c>dotnet AmqpBroker.dll --port 0 --in-memory</c> prints
/// one ready line naming the bound address, serves clients, and exits 0 on SIGTERM or SIGINT. Uses the
/// build output of src/AmqpBroker (built by the solution build) in the test assembly's configuration.
/// </summary>
[TestFixture]
[OwnBrokerOnly("AMQP_URI is set: the executable tests start our own broker process")]
public sealed class ExecutableTests
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly Leftovers _leftovers = new();

    [TearDown]
    public Task StopProcessesAsync() => _leftovers.CleanUpAsync();

    [Test]
    public async Task Starts_on_an_ephemeral_port_serves_a_client_and_exits_0_on_SIGTERM()
    {
        var broker = Start(["--port", "0", "--management-port", "-1", "--in-memory", "--bind", "127.0.0.1"]);
        var ready = await broker.WaitForReadyAsync(StartDeadline);
        await TestContext.Out.WriteLineAsync($"ready after {ready.Elapsed.TotalMilliseconds:0} ms: {ready.Line}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ready.Address, Is.EqualTo("127.0.0.1"));
            Assert.That(ready.Port, Is.GreaterThan(0).And.Not.EqualTo(5672));
            Assert.That(ready.Storage, Is.EqualTo("in memory"));
            Assert.That(ready.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "process start to ready line");
        }

        await PublishAndGetAsync(ready.Port);

        await broker.SignalAsync("TERM");
        var exitCode = await broker.WaitForExitAsync(StopDeadline);
        Assert.That(exitCode, Is.Zero, broker.Output);
        Assert.That(broker.Output, Does.Contain("AmqpBroker stopping"));
        Assert.That(Regex.Matches(broker.Output, "AmqpBroker ready:"), Has.Count.EqualTo(1), "one ready line");
    }

    [Test]
    public async Task SIGINT_stops_it_like_Ctrl_C_with_exit_code_0()
    {
        var broker = Start(["--port", "0", "--management-port", "-1", "--in-memory", "--bind", "127.0.0.1"]);
        await broker.WaitForReadyAsync(StartDeadline);

        await broker.SignalAsync("INT");
        Assert.That(await broker.WaitForExitAsync(StopDeadline), Is.Zero, broker.Output);
    }

    [Test]
    public async Task SIGTERM_closes_connected_clients_with_CONNECTION_FORCED_and_still_exits_promptly()
    {
        var broker = Start(["--port", "0", "--management-port", "-1", "--in-memory", "--bind", "127.0.0.1"]);
        var ready = await broker.WaitForReadyAsync(StartDeadline);
        await using var connection = await LoopbackFactory.For(ready.Port).CreateConnectionAsync();
        var closed = new TaskCompletionSource<ShutdownEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionShutdownAsync += (_, args) =>
        {
            closed.TrySetResult(args);
            return Task.CompletedTask;
        };

        var stopwatch = Stopwatch.StartNew();
        await broker.SignalAsync("TERM");
        var exitCode = await broker.WaitForExitAsync(StopDeadline);
        await TestContext.Out.WriteLineAsync($"exited {stopwatch.ElapsedMilliseconds} ms after SIGTERM with a client connected");

        Assert.That(exitCode, Is.Zero, broker.Output);
        var reason = await closed.Task.WaitAsync(Timeout);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.Initiator, Is.EqualTo(ShutdownInitiator.Peer), reason.ToString());
            Assert.That(reason.ReplyCode, Is.EqualTo(320), reason.ToString());
            Assert.That(reason.ReplyText, Is.EqualTo("CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'"));
        }
    }

    [Test]
    public async Task Data_dir_switch_creates_the_directory_and_the_ready_line_names_it()
    {
        var root = TempDirectory();
        var dataDir = Path.Combine(root, "nested", "data");
        var broker = Start(["--port", "0", "--management-port", "-1", "--bind", "127.0.0.1", "--data-dir", dataDir]);
        var ready = await broker.WaitForReadyAsync(StartDeadline);

        Assert.That(ready.Storage, Is.EqualTo($"data in {Path.GetFullPath(dataDir)}"));
        Assert.That(Directory.Exists(dataDir), Is.True);
        await PublishAndGetAsync(ready.Port);

        await AssertSigtermStopsAsync(broker);
    }

    [Test]
    public async Task Settings_come_from_Broker__Setting_environment_variables()
    {
        var broker = Start([], new Dictionary<string, string>
        {
            ["Broker__Port"] = "0",
            ["Broker__ManagementPort"] = "0",
            ["Broker__Bind"] = "127.0.0.1",
            ["Broker__InMemory"] = "true",
        });
        var ready = await broker.WaitForReadyAsync(StartDeadline);

        Assert.That((ready.Address, ready.Storage), Is.EqualTo(("127.0.0.1", "in memory")));
        Assert.That(ready.Port, Is.Not.EqualTo(5672));
        Assert.That(ready.ManagementPort, Is.GreaterThan(0).And.Not.EqualTo(15672), "Broker__ManagementPort=0");
        await PublishAndGetAsync(ready.Port);

        await AssertSigtermStopsAsync(broker);
    }

    [Test]
    public async Task Command_line_switch_overrides_the_environment()
    {
        // The environment names a port that is taken: the broker only starts if --port 0 wins.
        using var occupant = Occupy(out var taken);

        var broker = Start(["--port", "0", "--management-port", "0"], new Dictionary<string, string>
        {
            ["Broker__Port"] = taken.ToString(CultureInfo.InvariantCulture),
            ["Broker__Bind"] = "127.0.0.1",
            ["Broker__InMemory"] = "true",
        });
        var ready = await broker.WaitForReadyAsync(StartDeadline);

        Assert.That(ready.Port, Is.Not.EqualTo(taken));
        await AssertSigtermStopsAsync(broker);
    }

    [Test]
    public async Task Management_port_0_serves_the_admin_API_on_a_port_the_ready_line_names()
    {
        var broker = Start(["--port", "0", "--management-port", "0", "--in-memory", "--bind", "127.0.0.1"]);
        var ready = await broker.WaitForReadyAsync(StartDeadline);
        Assert.That(ready.ManagementPort, Is.GreaterThan(0).And.Not.EqualTo(15672));

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ready.ManagementPort}/"), Timeout = Timeout };
        http.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String("guest:guest"u8));
        var overview = JsonNode.Parse(await http.GetStringAsync("api/overview"))!;
        var amqpPorts = overview["listeners"]!.AsArray().Select(l => l!["port"]!.GetValue<int>());
        Assert.That(amqpPorts, Is.EqualTo(new[] { ready.Port }), "the overview lists the AMQP listener");

        await AssertSigtermStopsAsync(broker);
    }

    [Test]
    public async Task Management_port_minus_1_turns_the_admin_API_off()
    {
        var broker = Start(["--port", "0", "--management-port", "-1", "--in-memory", "--bind", "127.0.0.1"]);
        var ready = await broker.WaitForReadyAsync(StartDeadline);

        Assert.That(ready.ManagementPort, Is.Null, ready.Line);
        await AssertSigtermStopsAsync(broker);
    }

    [Test]
    public async Task Port_already_in_use_fails_startup_with_a_non_zero_exit_code()
    {
        using var occupant = Occupy(out var taken);

        var broker = Start(["--port", taken.ToString(CultureInfo.InvariantCulture), "--management-port", "0", "--in-memory", "--bind", "127.0.0.1"]);
        var exitCode = await broker.WaitForExitAsync(StartDeadline);

        Assert.That(exitCode, Is.Not.Zero, broker.Output);
        Assert.That(broker.Output, Does.Not.Contain("AmqpBroker ready:"));
    }

    private static async Task PublishAndGetAsync(int port)
    {
        await using var connection = await LoopbackFactory.For(port).CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var queue = (await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.BasicPublishAsync(string.Empty, queue, Encoding.UTF8.GetBytes("through the executable"));

        var got = await channel.BasicGetAsync(queue, autoAck: true);
        Assert.That(got is null ? null : Encoding.UTF8.GetString(got.Body.Span), Is.EqualTo("through the executable"));
        await connection.CloseAsync();
    }

    /// <summary>Sends SIGTERM and asserts the broker exits with code 0 in time.</summary>
    private static async Task AssertSigtermStopsAsync(BrokerProcess broker)
    {
        await broker.SignalAsync("TERM");
        Assert.That(await broker.WaitForExitAsync(StopDeadline), Is.Zero, broker.Output);
    }

    /// <summary>A listener holding a loopback port, so that a broker asked to bind it cannot.</summary>
    private static TcpListener Occupy(out int port)
    {
        var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        port = ((IPEndPoint)occupant.LocalEndpoint).Port;
        return occupant;
    }

    private BrokerProcess Start(string[] args, Dictionary<string, string>? environment = null) =>
        _leftovers.Add(BrokerProcess.Start(args, environment ?? [], TempDirectory()));

    /// <summary>A fresh directory to run in, so no appsettings.json or ./data of the caller's is picked up.</summary>
    private string TempDirectory() => _leftovers.NewDirectory("amqpbroker-exe-");
}
