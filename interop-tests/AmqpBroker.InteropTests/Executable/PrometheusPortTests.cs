using System.Globalization;
using System.Text.RegularExpressions;

namespace AmqpBroker.InteropTests.Executable;

/// <summary>
/// The executable's Prometheus listener: <c>--prometheus-port</c> (and <c>Broker__PrometheusPort</c>) moves it,
/// 0 picks a free port named on its own line, -1 turns it off. (RabbitMQ's 15692 is the default; the tests'
/// broker processes run without it unless they ask, since the machine's RabbitMQ holds that port.)
/// </summary>
[TestFixture]
[OwnBrokerOnly("AMQP_URI is set: the executable tests start our own broker process")]
public sealed partial class PrometheusPortTests
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(20);

    [Test]
    public async Task Prometheus_port_0_serves_metrics_on_the_port_its_line_names()
    {
        await using var broker = BrokerProcess.Start(["--port", "0", "--management-port", "-1", "--prometheus-port", "0", "--in-memory", "--bind", "127.0.0.1"], [], Path.GetTempPath());
        await broker.WaitForReadyAsync(StartDeadline);
        // The Prometheus line follows the ready line.
        var deadline = DateTime.UtcNow + StartDeadline;
        while (!PrometheusLine().IsMatch(broker.Output) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        var line = PrometheusLine().Match(broker.Output);
        Assert.That(line.Success, Is.True, broker.Output);

        var port = int.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync($"http://127.0.0.1:{port}/metrics");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(port, Is.Not.EqualTo(15692));
    }

    [Test]
    public async Task The_environment_variable_minus_1_turns_it_off()
    {
        await using var broker = BrokerProcess.Start(["--port", "0", "--management-port", "-1", "--in-memory", "--bind", "127.0.0.1"],
            new Dictionary<string, string> { ["Broker__PrometheusPort"] = "-1" }, Path.GetTempPath());
        var ready = await broker.WaitForReadyAsync(StartDeadline);
        Assert.That(broker.Output, Does.Not.Contain("AmqpBroker Prometheus"), ready.Line);
    }

    [Test]
    public async Task A_taken_prometheus_port_names_the_switch_that_moves_it()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        await using var broker = BrokerProcess.Start(["--port", "0", "--management-port", "-1", "--prometheus-port", port, "--in-memory", "--bind", "127.0.0.1"], [], Path.GetTempPath());

        Assert.That(await broker.WaitForExitAsync(StartDeadline), Is.Not.Zero);
        Assert.That(broker.Output, Does.Contain($"Prometheus port {port} is already in use; choose another with --prometheus-port"));
    }

    [GeneratedRegex(@"^AmqpBroker Prometheus: http://127\.0\.0\.1:(\d+)/metrics$", RegexOptions.Multiline)]
    private static partial Regex PrometheusLine();
}
