using System.Globalization;
using System.Text.RegularExpressions;

namespace AmqpBroker.InteropTests.Management;

/// <summary>GET /metrics and /metrics/per-object: Prometheus text with RabbitMQ's rabbitmq_ metric names.</summary>
[TestFixture]
[OwnBrokerOnly("RabbitMQ publishes object statistics every 5 seconds; PrometheusListenerTests and PrometheusFamilyTests cover it")]
public sealed partial class MetricsEndpointTests : ManagementTestBase
{
    /// <summary>RabbitMQ labels its global delivery counters by protocol and queue type.</summary>
    private const string DeliveryLabels = "{protocol=\"amqp091\",queue_type=\"rabbit_classic_queue\"}";

    /// <summary>The broker's Prometheus listener.</summary>
    private HttpClient _metrics = null!;

    [OneTimeSetUp]
    public void CreateMetricsClient()
    {
        _metrics = Prometheus.PrometheusAddress.Client(Host, AmqpUri);
    }

    [OneTimeTearDown]
    public void CloseMetricsClient() => _metrics?.Dispose();

    [Test]
    public async Task Metrics_report_objects_queue_lengths_and_message_counters()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await PublishAsync(channel, queue, "1", "2", "3");
        await WaitForReadyAsync(queue, 3);
        var first = await channel.BasicGetAsync(queue, autoAck: false);
        await channel.BasicAckAsync(first!.DeliveryTag, multiple: false);
        await channel.BasicGetAsync(queue, autoAck: false);

        var labels = $"{{vhost=\"/\",queue=\"{queue}\"}}";
        string text = "";
        var settled = await EventuallyAsync(async () =>
        {
            text = await _metrics.GetStringAsync("metrics/per-object");
            return Value(text, "rabbitmq_queue_messages_ready" + labels) == 1 && Value(text, "rabbitmq_global_messages_acknowledged_total" + DeliveryLabels) >= 1;
        });
        Assert.That(settled, Is.True, text);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(text, Does.Contain("# TYPE rabbitmq_connections gauge"));
            Assert.That(Value(text, "rabbitmq_connections"), Is.GreaterThanOrEqualTo(1));
            Assert.That(Value(text, "rabbitmq_channels"), Is.GreaterThanOrEqualTo(1));
            Assert.That(Value(text, "rabbitmq_queues"), Is.GreaterThanOrEqualTo(1));
            Assert.That(Value(text, "rabbitmq_queue_messages_unacked" + labels), Is.EqualTo(1));
            Assert.That(Value(text, "rabbitmq_queue_messages" + labels), Is.EqualTo(2));
            Assert.That(Value(text, $"rabbitmq_queue_messages_published_total{{queue_vhost=\"/\",queue=\"{queue}\"}}"), Is.EqualTo(3));
            Assert.That(text, Does.Contain("# TYPE rabbitmq_global_messages_received_total counter"));
            Assert.That(Value(text, "rabbitmq_global_messages_received_total{protocol=\"amqp091\"}"), Is.GreaterThanOrEqualTo(3));
            Assert.That(Value(text, "rabbitmq_global_messages_delivered_get_manual_ack_total" + DeliveryLabels), Is.GreaterThanOrEqualTo(2));
            Assert.That(Value(text, "rabbitmq_global_messages_delivered_total" + DeliveryLabels), Is.GreaterThanOrEqualTo(2));
        }
    }

    [Test]
    public async Task A_connections_traffic_counts_the_bytes_it_sent_and_was_sent()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        var label = $"{{channel=\"127.0.0.1:{connection.LocalPort} -> ";
        var before = await ConnectionValuesAsync(label);

        await channel.BasicPublishAsync("", queue, new byte[20_000]);
        await GetEventuallyAsync(channel, queue);
        var after = await ConnectionValuesAsync(label);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(after["incoming_bytes"] - before["incoming_bytes"], Is.GreaterThanOrEqualTo(20_000));
            Assert.That(after["outgoing_bytes"] - before["outgoing_bytes"], Is.GreaterThanOrEqualTo(20_000));
            Assert.That(after["incoming_packets"], Is.GreaterThan(before["incoming_packets"]));
            Assert.That(after["outgoing_packets"], Is.GreaterThan(before["outgoing_packets"]));
        }
    }

    [Test]
    public async Task Churn_counters_move_as_connections_channels_and_queues_come_and_go()
    {
        var before = await ChurnAsync();
        var (connection, channel) = await ConnectWithChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueDeleteAsync(queue);
        await channel.CloseAsync();
        await connection.CloseAsync();

        Dictionary<string, long> after = [];
        Assert.That(await EventuallyAsync(async () => (after = await ChurnAsync())["connections_closed_total"] > before["connections_closed_total"]), Is.True);
        using (Assert.EnterMultipleScope())
        {
            foreach (var counter in before.Keys)
            {
                Assert.That(after[counter], Is.GreaterThan(before[counter]), counter);
            }
        }
    }

    [Test]
    public async Task The_memory_watermark_is_exported_and_the_disk_free_limit_only_where_a_disk_is_watched()
    {
        var text = await _metrics.GetStringAsync("metrics");

        Assert.That(Value(text, "rabbitmq_resident_memory_limit_bytes"), Is.EqualTo(Host!.Broker.Resources.Memory!.LimitBytes));
        Assert.That(Value(text, "rabbitmq_disk_space_available_limit_bytes"), Is.EqualTo(Host.Broker.Resources.Disk?.LimitBytes));
    }

    private async Task<Dictionary<string, long>> ChurnAsync()
    {
        var text = await _metrics.GetStringAsync("metrics");
        string[] counters = ["connections_opened_total", "connections_closed_total", "channels_opened_total", "channels_closed_total", "queues_declared_total", "queues_created_total", "queues_deleted_total"];
        return counters.ToDictionary(c => c, c => Value(text, "rabbitmq_" + c) ?? -1);
    }

    /// <summary>The connection's four traffic counters on /metrics/per-object, found by the start of its label.</summary>
    private async Task<Dictionary<string, long>> ConnectionValuesAsync(string labelStart)
    {
        var text = await _metrics.GetStringAsync("metrics/per-object");
        return new[] { "incoming_bytes", "outgoing_bytes", "incoming_packets", "outgoing_packets" }.ToDictionary(c => c, c =>
        {
            var match = Regex.Match(text, "^" + Regex.Escape($"rabbitmq_connection_{c}_total{labelStart}") + @"[^}]*\} (\d+)$", RegexOptions.Multiline);
            return match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
        });
    }

    private static long? Value(string text, string series)
    {
        var match = Regex.Match(text, "^" + Regex.Escape(series) + @" (\d+)$", RegexOptions.Multiline);
        return match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }
}
