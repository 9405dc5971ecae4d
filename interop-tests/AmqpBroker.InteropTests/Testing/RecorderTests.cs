using System.Text.Json.Nodes;
using AmqpBroker.Core.Testing.Faults;
using AmqpBroker.Core.Testing.Recording;

namespace AmqpBroker.InteropTests.Testing;

/// <summary>The recorder as a test uses it: questions about what happened, waits without sleeps, and the exports.</summary>
public class RecorderTests
{
    private static readonly TimeSpan Wait = TestBroker.Timeout;

    [Test]
    public async Task Records_APublish_WithItsPropertiesAndHeaders_AndTheAckedDeliveryFromItsQueue()
    {
        await using var broker = await TestBroker.StartAsync(o => o.Record = true);
        var factory = TestBroker.RecoveringFactory(broker, "recorded");
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var queue = (await channel.QueueDeclareAsync("orders", false, false, false)).QueueName;
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, args) => channel.BasicAckAsync(args.DeliveryTag, multiple: false).AsTask();
        var tag = await channel.BasicConsumeAsync(queue, autoAck: false, consumer);

        var properties = new BasicProperties { ContentType = "application/json", Headers = new Dictionary<string, object?> { ["tenant"] = "acme" } };
        await channel.BasicPublishAsync("", queue, mandatory: false, properties, "{\"id\":1}"u8.ToArray());

        var acked = await broker.Recorder.WaitForAsync(c => c.Method == "basic.deliver" && c.WasAcked, Wait);
        Assert.Multiple(() =>
        {
            Assert.That(acked.Queue, Is.EqualTo(queue));
            Assert.That(acked.ConsumerTag, Is.EqualTo(tag));
            Assert.That(acked.ConnectionName, Is.EqualTo(factory.ClientProvidedName));
            Assert.That(acked.User, Is.EqualTo("guest"));
            Assert.That(acked.BodyText, Is.EqualTo("{\"id\":1}"));
            Assert.That(acked.Settlement!.Method, Is.EqualTo("basic.ack"));
        });
        var published = broker.Recorder.Published(exchange: "", routingKey: queue, where: c => Equals(c.Header("tenant"), "acme"));
        Assert.That(published, Has.Count.EqualTo(1));
        Assert.That(published[0].Properties!.ContentType, Is.EqualTo("application/json"));
        Assert.That(published[0].Direction, Is.EqualTo(RecordedDirection.FromClient));
        Assert.That(broker.Recorder.Acked(queue), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Answers_Requeued_Nacked_Returned_AndDeadLettered()
    {
        await using var broker = await TestBroker.StartAsync(o => o.Record = true);
        await using var connection = await TestBroker.RecoveringFactory(broker, "answers").CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync("dead", false, false, false);
        var queue = (await channel.QueueDeclareAsync("work", false, false, false, new Dictionary<string, object?>
        {
            ["x-dead-letter-exchange"] = "",
            ["x-dead-letter-routing-key"] = "dead",
        })).QueueName;
        await channel.BasicPublishAsync("", queue, "first"u8.ToArray());
        await channel.BasicPublishAsync("", "nowhere", mandatory: true, new BasicProperties(), "lost"u8.ToArray());

        var first = await channel.BasicGetAsync(queue, autoAck: false);
        await channel.BasicNackAsync(first!.DeliveryTag, multiple: false, requeue: true);
        var again = await channel.BasicGetAsync(queue, autoAck: false);
        await channel.BasicRejectAsync(again!.DeliveryTag, requeue: false);

        await broker.Recorder.WaitForAsync(c => c.Method == RecordedCommand.DeadLetteredMethod, Wait);
        await broker.Recorder.WaitForAsync(c => c.Method == "basic.return", Wait);
        Assert.Multiple(() =>
        {
            Assert.That(broker.Recorder.Requeued(queue).Select(c => c.BodyText), Is.EqualTo(new[] { "first" }));
            Assert.That(broker.Recorder.Nacked(queue).Single().Redelivered, Is.True);
            Assert.That(broker.Recorder.Returned(routingKey: "nowhere").Single().ReplyCode, Is.EqualTo(312));
            Assert.That(broker.Recorder.DeadLettered(queue).Single().Argument("reason"), Is.EqualTo("rejected"));
        });
    }

    [Test]
    public async Task Ties_PublisherConfirms_ToThePublishes_NacksToo()
    {
        await using var broker = await TestBroker.StartAsync(o => o.Record = true);
        await using var connection = await TestBroker.RecoveringFactory(broker, "confirms").CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
        var queue = (await channel.QueueDeclareAsync("", false, true, true)).QueueName;

        await channel.BasicPublishAsync("", queue, "acked"u8.ToArray());
        broker.Faults.NackPublishes(FaultScope.Everywhere);
        await Assert.ThatAsync(async () => await channel.BasicPublishAsync("", queue, "nacked"u8.ToArray()), Throws.InstanceOf<PublishException>());

        await broker.Recorder.WaitForAsync(c => c.Method == "basic.publish" && c.BodyText == "nacked" && c.WasNacked, Wait);
        Assert.That(broker.Recorder.Published(routingKey: queue, where: c => c.WasAcked).Single().BodyText, Is.EqualTo("acked"));
    }

    [Test]
    public async Task RecordsNothing_UntilStarted()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var connection = await TestBroker.RecoveringFactory(broker, "late").CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync("before", false, false, false);
        Assert.That(broker.Recorder.Commands, Is.Empty);

        broker.Recorder.Start();
        await channel.QueueDeclareAsync("after", false, false, false);

        Assert.That(broker.Recorder.Where(c => c.Method == "queue.declare").Select(c => c.Argument("queue")), Is.EqualTo(new[] { "after" }));
    }

    [Test]
    public async Task WaitFor_TimesOut_WithTheEndOfTheTrace()
    {
        await using var broker = await TestBroker.StartAsync(o => o.Record = true);
        await using var connection = await TestBroker.RecoveringFactory(broker, "timeout").CreateConnectionAsync();

        var error = await Assert.ThrowsAsync<TimeoutException>(() => broker.Recorder.WaitForAsync(c => c.Method == "basic.deliver", TimeSpan.FromMilliseconds(100)));

        Assert.That(error!.Message, Does.Contain("connection.open-ok"));
    }

    [Test]
    public async Task TextTrace_HasOneLinePerFrame_AndJson_OneObjectPerCommand()
    {
        await using var broker = await TestBroker.StartAsync(o => o.Record = true);
        var factory = TestBroker.RecoveringFactory(broker, "exports");
        factory.RequestedFrameMax = 4096; // the smallest: a 5000-byte body goes in two frames
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.BasicPublishAsync("amq.fanout", "key", new string('x', 5000).Select(c => (byte)c).ToArray());
        var publish = await broker.Recorder.WaitForAsync(c => c.Method == "basic.publish", Wait);

        var lines = RecordingText.Lines(publish).ToList();
        var json = JsonNode.Parse(RecordingJson.Write([publish]))!.AsArray().Single()!;

        Assert.That(lines, Has.Count.EqualTo(2 + publish.BodyFrames.Count));
        Assert.That(publish.BodyFrames, Has.Count.GreaterThan(1));
        Assert.That(lines[0], Does.Contain("C->S").And.Contain("ch 1 basic.publish").And.Contain("exchange='amq.fanout', routing-key='key'"));
        Assert.That(lines[1], Does.Contain("content header body-size=5000"));
        Assert.That(lines[2], Does.Contain($"content body {publish.BodyFrames[0]} bytes 'xxxx"));
        Assert.That((string?)json["method"], Is.EqualTo("basic.publish"));
        Assert.That((string?)json["arguments"]!["routing-key"], Is.EqualTo("key"));
        Assert.That((int?)json["payload_bytes"], Is.EqualTo(5000));
    }

    [Test]
    public async Task ManagementApi_ServesTheRecording_AsTextAndJson()
    {
        await using var broker = await TestBroker.StartAsync(o =>
        {
            o.Record = true;
            o.ManagementPort = 0;
        });
        await using var connection = await TestBroker.RecoveringFactory(broker, "served").CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.BasicPublishAsync("amq.direct", "served", "hello"u8.ToArray());
        await broker.Recorder.WaitForAsync(c => c.Method == "basic.publish", Wait);
        using var http = new HttpClient { BaseAddress = broker.ManagementUri };
        http.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String("guest:guest"u8.ToArray()));

        var text = await http.GetStringAsync("api/recording?format=text");
        var json = JsonNode.Parse(await http.GetStringAsync("api/recording"))!.AsArray();

        Assert.That(text, Does.Contain("basic.publish ticket=0, exchange='amq.direct', routing-key='served'"));
        Assert.That(json.Select(c => (string?)c!["method"]), Does.Contain("basic.publish").And.Contain("connection.start"));
    }
}
