using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.Management.Prometheus;

/// <summary>
/// The rabbitmq_* families of /metrics, /metrics/per-object and /metrics/detailed compared name by name,
/// type by type and label set by label set with what RabbitMQ 3.10.8's rabbitmq_prometheus serves, as
/// captured in Fixtures/rabbitmq-3.10.8-prometheus-families.tsv. Against RabbitMQ itself (AMQP_URI, with
/// rabbitmq_prometheus on PROMETHEUS_URI or port 15692 of the same host) the scrape must equal the
/// fixture; with PROMETHEUS_FIXTURE_OUT set it is written there, which is how the fixture was made.
/// Against this broker it must equal the fixture except for the families and labels listed in
/// <see cref="PrometheusDifferences"/> (the README's list).
/// </summary>
public sealed class PrometheusFamilyTests : BrokerTestBase
{
    private const string FixturePath = "Management/Fixtures/rabbitmq-3.10.8-prometheus-families.tsv";

    /// <summary>A data directory, so that the free disk space of its file system is exported as RabbitMQ exports its own.</summary>
    protected override BrokerOptions CreateOptions() => OnDisk(base.CreateOptions());

    [Test]
    public async Task Families_types_and_labels_are_RabbitMQs()
    {
        var scrapes = await ScrapeUnderTrafficAsync();
        if (Environment.GetEnvironmentVariable("PROMETHEUS_FIXTURE_OUT") is { Length: > 0 } output)
        {
            await File.WriteAllTextAsync(output, Fixture(scrapes));
        }

        var fixture = await File.ReadAllLinesAsync(Path.Combine(TestContext.CurrentContext.TestDirectory, FixturePath));
        using (Assert.EnterMultipleScope())
        {
            foreach (var (endpoint, scraped) in scrapes)
            {
                var expected = MetricFamilies.FromFixture(fixture, endpoint);
                Assert.That(expected.Names, Is.Not.Empty, $"the fixture has no {endpoint} families");
                if (Host is null)
                {
                    Assert.That(DescribeRabbitMQ(scraped), Is.EqualTo(DescribeRabbitMQ(expected)), $"RabbitMQ's {endpoint} differs from the fixture");
                    continue;
                }

                var leftOut = expected.Names.Where(n => !scraped.Contains(n)).ToList();
                Assert.That(leftOut, Is.EquivalentTo(PrometheusDifferences.LeftOut(expected.Names)), $"{endpoint}: families left out");
                Assert.That(scraped.Names.Where(n => !expected.Contains(n)), Is.Empty, $"{endpoint}: families RabbitMQ does not have");
                foreach (var name in scraped.Names.Where(expected.Contains))
                {
                    Assert.That(scraped.TypeOf(name), Is.EqualTo(expected.TypeOf(name)), $"{endpoint}: type of {name}");
                    Assert.That(scraped.LabelsOf(name), Is.EqualTo(PrometheusDifferences.Labels(endpoint, name) ?? expected.LabelsOf(name)), $"{endpoint}: labels of {name}");
                }
            }
        }
    }

    /// <summary>
    /// Every family with its type and label sets, except that whether a Raft family has samples is left out: the
    /// Ra systems report those only once quorum queues or streams have been active since the node started, so
    /// on a RabbitMQ shared with other tests that depends on what ran before.
    /// </summary>
    private static string DescribeRabbitMQ(MetricFamilies families) =>
        string.Join("\n", families.Names.Select(n => $"{n} {families.TypeOf(n)} {(n.Contains("_raft_", StringComparison.Ordinal) ? "(Ra activity)" : families.LabelsOf(n))}"));

    private static string Fixture(IReadOnlyList<(string Endpoint, MetricFamilies Families)> scrapes)
    {
        var text = new StringBuilder("# rabbitmq_* families of RabbitMQ 3.10.8's rabbitmq_prometheus, captured by PrometheusFamilyTests\n")
            .Append("# endpoint\tfamily\ttype\tlabel sets (\"-\": a sample without labels; \"none\": no samples)\n");
        foreach (var (endpoint, families) in scrapes)
        {
            families.AppendFixture(text, endpoint);
        }

        return text.ToString();
    }

    /// <summary>
    /// Opens a publisher (confirms, an unroutable message), a consumer with a prefetch and a basic.get
    /// user, so that every per-object family has samples, then scrapes the three endpoints.
    /// </summary>
    private async Task<List<(string Endpoint, MetricFamilies Families)>> ScrapeUnderTrafficAsync()
    {
        var connection = await ConnectAsync();
        var publisher = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var queue = Track($"prometheus-families-{Guid.NewGuid():N}");
        await publisher.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false);
        for (var i = 0; i < 3; i++)
        {
            await publisher.BasicPublishAsync("", queue, mandatory: true, Encoding.UTF8.GetBytes("m"));
        }

        await publisher.BasicPublishAsync("amq.direct", "nowhere", Encoding.UTF8.GetBytes("m"));
        var got = await publisher.BasicGetAsync(queue, autoAck: false);
        await publisher.BasicAckAsync(got!.DeliveryTag, multiple: false);
        var consumer = await connection.CreateChannelAsync();
        await consumer.BasicQosAsync(0, 5, global: false);
        await consumer.BasicConsumeAsync(queue, autoAck: false, new AsyncEventingBasicConsumer(consumer));

        using var http = PrometheusAddress.Client(Host, AmqpUri);
        var detailed = "metrics/detailed?vhost=%2F&" + string.Join("&", DetailedGroups.Select(g => $"family={g}"));
        List<(string, MetricFamilies)> scrapes = [];
        foreach (var (endpoint, path) in new[] { ("metrics", "metrics"), ("per-object", "metrics/per-object"), ("detailed", detailed) })
        {
            // RabbitMQ publishes object statistics every 5 seconds: wait until the channels show up.
            MetricFamilies families = null!;
            await WaitForAsync(async () =>
            {
                families = MetricFamilies.Parse(await http.GetStringAsync(path));
                return endpoint == "metrics" || families.LabelsOf($"{(endpoint == "detailed" ? "rabbitmq_detailed_" : "rabbitmq_")}channel_consumers") != "none";
            }, TimeSpan.FromSeconds(20));
            scrapes.Add((endpoint, families));
        }

        return scrapes;
    }

    private static readonly string[] DetailedGroups =
    [
        "connection_churn_metrics", "queue_coarse_metrics", "queue_consumer_count", "queue_metrics", "channel_exchange_metrics",
        "channel_queue_exchange_metrics", "channel_queue_metrics", "channel_metrics", "channel_process_metrics", "connection_metrics",
        "connection_coarse_metrics", "node_coarse_metrics", "node_metrics", "node_persister_metrics", "ra_metrics", "auth_attempt_metrics",
        "auth_attempt_detailed_metrics", "exchange_names", "exchange_bindings", "vhost_status",
    ];

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }
    }
}
