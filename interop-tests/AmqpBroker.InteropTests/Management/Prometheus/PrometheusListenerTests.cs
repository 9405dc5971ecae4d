using System.Net;
using System.Text.Json.Nodes;
using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.Management.Prometheus;

/// <summary>
/// The metrics on a listener of their own, as rabbitmq_prometheus serves them on 15692: answered there without
/// credentials and with the plugin's content type, absent from the management port, and reported among the
/// node's listeners. Runs against RabbitMQ too (<c>AMQP_URI</c>, <c>MANAGEMENT_URI</c>).
/// </summary>
public sealed class PrometheusListenerTests : ManagementTestBase
{
    private HttpClient _metrics = null!;

    [OneTimeSetUp]
    public void OpenMetricsClient() => _metrics = PrometheusAddress.Client(Host, AmqpUri);

    [OneTimeTearDown]
    public void CloseMetricsClient() => _metrics?.Dispose();

    [TestCase("metrics")]
    [TestCase("metrics/per-object")]
    [TestCase("metrics/detailed?family=queue_coarse_metrics")]
    public async Task The_endpoints_answer_on_the_prometheus_port_without_credentials(string path)
    {
        using var response = await _metrics.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
            Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo("text/plain; version=0.0.4"));
            Assert.That(body, Does.Contain("# TYPE rabbitmq_identity_info untyped"));
        }
    }

    [Test]
    public async Task Other_paths_on_the_prometheus_port_are_not_found()
    {
        foreach (var path in new[] { "", "api/overview", "metricsx" })
        {
            using var response = await _metrics.GetAsync(path);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), path);
        }
    }

    [Test]
    public async Task The_management_port_serves_no_metrics()
    {
        var response = await SendAsync(HttpMethod.Get, "metrics");
        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.NotFound), response.Body);
    }

    [Test]
    public async Task The_overview_lists_the_prometheus_listener_and_its_context()
    {
        var port = PrometheusAddress.Of(Host, AmqpUri).Port;
        var overview = await GetJsonAsync("api/overview");
        var listener = overview["listeners"]!.AsArray().SingleOrDefault(l => l?["protocol"]?.GetValue<string>() == "http/prometheus");
        var context = overview["contexts"]!.AsArray().SingleOrDefault(c => c?["description"]?.GetValue<string>() == "RabbitMQ Prometheus");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(listener?["port"]?.GetValue<int>(), Is.EqualTo(port), overview["listeners"]!.ToJsonString());
            Assert.That(context?["port"]?.GetValue<string>(), Is.EqualTo(port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(context?["protocol"]?.GetValue<string>(), Is.EqualTo("'http/prometheus'"));
        }
    }

    [Test]
    public async Task A_broker_without_a_prometheus_port_lists_no_such_listener()
    {
        if (IsExternal)
        {
            Assert.Ignore("the RabbitMQ under test has rabbitmq_prometheus enabled");
        }

        await using var broker = await BrokerHost.StartAsync(new BrokerOptions { PrometheusPort = BrokerOptions.PrometheusDisabled });
        using var http = new HttpClient { BaseAddress = broker.ManagementUri, Timeout = Timeout };
        http.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String("guest:guest"u8.ToArray()));
        var overview = JsonNode.Parse(await http.GetStringAsync("api/overview"))!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(broker.PrometheusEndPoint, Is.Null);
            Assert.That(overview["listeners"]!.AsArray().Select(l => l?["protocol"]?.GetValue<string>()), Does.Not.Contain("http/prometheus"));
        }
    }

    [Test]
    public async Task Metrics_are_served_without_the_admin_api()
    {
        if (IsExternal)
        {
            Assert.Ignore("a broker of the test's own");
        }

        await using var broker = await BrokerHost.StartAsync(new BrokerOptions { ManagementPort = BrokerOptions.ManagementDisabled });
        using var http = new HttpClient { BaseAddress = broker.PrometheusUri, Timeout = Timeout };
        var text = await http.GetStringAsync("metrics");
        Assert.That(text, Does.Contain("rabbitmq_connections 0"));
    }
}
