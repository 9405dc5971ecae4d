using System.Net;
using System.Text.Json.Nodes;

namespace AmqpBroker.InteropTests.Testing;

/// <summary>
/// RabbitMQ's firehose tracer, switched on through the vhost's "tracing" flag of the HTTP API: every publish and
/// delivery is also published to amq.rabbitmq.trace with RabbitMQ's routing keys and headers, so existing tracing
/// tools work. Runs against RabbitMQ too (AMQP_URI and MANAGEMENT_URI), in a vhost of its own that is deleted after.
/// </summary>
public class FirehoseTracingTests : ManagementTestBase
{
    [Test]
    public async Task Tracing_PublishesEveryPublishAndDelivery_ToTheTraceExchange_WithRabbitMQsHeaders()
    {
        var virtualHost = await CreateTracedVirtualHostAsync();
        var connection = await ConnectAsync(f => f.VirtualHost = virtualHost);
        await using var channel = await connection.CreateChannelAsync();
        var trace = await DeclareTraceQueueAsync(channel);
        await channel.QueueDeclareAsync("work", durable: false, exclusive: false, autoDelete: false);
        var properties = new BasicProperties { ContentType = "text/plain", DeliveryMode = DeliveryModes.Persistent, Headers = new Dictionary<string, object?> { ["h1"] = "v1" } };

        await channel.BasicPublishAsync("", "work", mandatory: false, properties, "hello"u8.ToArray());
        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync("work") == 1), Is.True);
        Assert.That(await channel.BasicGetAsync("work", autoAck: true), Is.Not.Null);

        var published = await NextTraceAsync(channel, trace);
        var delivered = await NextTraceAsync(channel, trace);
        Assert.Multiple(() =>
        {
            Assert.That((published.Exchange, published.RoutingKey), Is.EqualTo(("amq.rabbitmq.trace", "publish.")));
            Assert.That((delivered.Exchange, delivered.RoutingKey), Is.EqualTo(("amq.rabbitmq.trace", "deliver.work")));
            Assert.That(Encoding.UTF8.GetString(published.Body.Span), Is.EqualTo("hello"));
            Assert.That(Encoding.UTF8.GetString(delivered.Body.Span), Is.EqualTo("hello"));
        });
        AssertCommonHeaders(published.BasicProperties.Headers!, virtualHost, channel.ChannelNumber);
        AssertCommonHeaders(delivered.BasicProperties.Headers!, virtualHost, channel.ChannelNumber);
        Assert.That(Strings(published.BasicProperties.Headers!["routed_queues"]), Is.EqualTo(new[] { "work" }));
        Assert.That(delivered.BasicProperties.Headers!["redelivered"], Is.EqualTo(0));
        Assert.That(delivered.BasicProperties.Headers, Does.Not.ContainKey("routed_queues"));
    }

    [Test]
    public async Task Tracing_ReportsThePublish_BeforeTheDeliveryToAWaitingConsumer()
    {
        var virtualHost = await CreateTracedVirtualHostAsync();
        var connection = await ConnectAsync(f => f.VirtualHost = virtualHost);
        await using var channel = await connection.CreateChannelAsync();
        var trace = await DeclareTraceQueueAsync(channel);
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, _) =>
        {
            received.TrySetResult();
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer);

        await channel.BasicPublishAsync("", queue, "fast"u8.ToArray());
        await received.Task.WaitAsync(Timeout);

        Assert.That((await NextTraceAsync(channel, trace)).RoutingKey, Is.EqualTo("publish."));
        var delivered = await NextTraceAsync(channel, trace);
        Assert.That(delivered.RoutingKey, Is.EqualTo($"deliver.{queue}"));
        Assert.That(Strings(delivered.BasicProperties.Headers!["routing_keys"]), Is.EqualTo(new[] { queue }));
    }

    [Test]
    public async Task Tracing_IsShownOnTheVirtualHost_AndStopsWhenTurnedOff()
    {
        var virtualHost = await CreateTracedVirtualHostAsync();
        Assert.That((await GetJsonAsync($"api/vhosts/{Segment(virtualHost)}"))["tracing"]!.GetValue<bool>(), Is.True);
        var connection = await ConnectAsync(f => f.VirtualHost = virtualHost);
        await using var channel = await connection.CreateChannelAsync();
        var trace = await DeclareTraceQueueAsync(channel);

        await ExpectAsync(HttpStatusCode.NoContent, HttpMethod.Put, $"api/vhosts/{Segment(virtualHost)}", new JsonObject { ["tracing"] = false });
        await channel.BasicPublishAsync("amq.fanout", "untraced", "quiet"u8.ToArray());
        await Task.Delay(QuietPeriod);

        Assert.That((await GetJsonAsync($"api/vhosts/{Segment(virtualHost)}"))["tracing"]!.GetValue<bool>(), Is.False);
        Assert.That(await channel.MessageCountAsync(trace), Is.Zero);
    }

    private async Task<string> CreateTracedVirtualHostAsync()
    {
        var virtualHost = TrackVirtualHost($"interop.trace.{Guid.NewGuid():N}");
        // RabbitMQ, like this broker, gives the administrator who creates a vhost over HTTP full permissions on it.
        await ExpectAsync(HttpStatusCode.Created, HttpMethod.Put, $"api/vhosts/{Segment(virtualHost)}", new JsonObject { ["tracing"] = true });
        return virtualHost;
    }

    /// <summary>A queue bound to amq.rabbitmq.trace for everything, as the firehose documentation has it.</summary>
    private static async Task<string> DeclareTraceQueueAsync(IChannel channel)
    {
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(queue, "amq.rabbitmq.trace", "#");
        return queue;
    }

    private static async Task<BasicGetResult> NextTraceAsync(IChannel channel, string trace)
    {
        BasicGetResult? result = null;
        Assert.That(await EventuallyAsync(async () => (result = await channel.BasicGetAsync(trace, autoAck: true)) is not null), Is.True, "no trace message came");
        return result!;
    }

    private static void AssertCommonHeaders(IDictionary<string, object?> headers, string virtualHost, int channel)
    {
        var properties = (IDictionary<string, object?>)headers["properties"]!;
        Assert.Multiple(() =>
        {
            Assert.That(Text(headers["exchange_name"]), Is.Empty);
            Assert.That(Strings(headers["routing_keys"]), Is.EqualTo(new[] { "work" }));
            Assert.That(Text(headers["vhost"]), Is.EqualTo(virtualHost));
            Assert.That(Text(headers["user"]), Is.EqualTo("guest"));
            Assert.That(Text(headers["node"]), Does.Contain("@"));
            Assert.That(Text(headers["connection"]), Does.Match(@"^127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+$"));
            Assert.That(headers["channel"], Is.EqualTo(channel));
            Assert.That(Text(properties["content_type"]), Is.EqualTo("text/plain"));
            Assert.That(properties["delivery_mode"], Is.EqualTo(2));
            Assert.That(Text(((IDictionary<string, object?>)properties["headers"]!)["h1"]), Is.EqualTo("v1"));
        });
    }

    private static string Text(object? value) => value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : value?.ToString() ?? "";

    private static IEnumerable<string> Strings(object? list) => ((IEnumerable<object?>)list!).Select(Text);
}
