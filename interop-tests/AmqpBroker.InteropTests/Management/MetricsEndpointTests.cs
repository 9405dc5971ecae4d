using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using AmqpBroker.InteropTests.Support;

namespace AmqpBroker.InteropTests.Management;

/// <summary>GET /metrics and /metrics/per-object: Prometheus text with RabbitMQ's rabbitmq_ metric names.</summary>
[TestFixture]
public sealed partial class MetricsEndpointTests : ManagementTestBase
{
    /// <summary>RabbitMQ labels its global delivery counters by protocol and queue type.</summary>
    private const string DeliveryLabels = "{protocol=\"amqp091\",queue_type=\"rabbit_classic_queue\"}";

    [OneTimeSetUp]
    public void OnlyInProcess()
    {
        if (IsExternal)
        {
            Assert.Ignore("RabbitMQ serves Prometheus metrics from its own plugin and port");
        }
    }

    [Test]
    public async Task Metrics_report_objects_queue_lengths_and_message_counters()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
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
            text = await Http.GetStringAsync("metrics/per-object");
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
    public async Task Metrics_are_served_as_Prometheus_text()
    {
        using var response = await Http.GetAsync("metrics");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.ToString(), Does.StartWith("text/plain; version=0.0.4"));
    }

    private static long? Value(string text, string series)
    {
        var match = Regex.Match(text, "^" + Regex.Escape(series) + @" (\d+)$", RegexOptions.Multiline);
        return match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }
}
