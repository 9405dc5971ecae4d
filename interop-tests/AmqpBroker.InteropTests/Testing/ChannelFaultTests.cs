using AmqpBroker.Core.Testing.Faults;
using AmqpBroker.Hosting;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.InteropTests.Testing;

/// <summary>
/// Faults below the connection as RabbitMQ.Client sees them: nacked publishes, refused declares, a channel
/// closed with a reply code, consumers cancelled by the broker, and slow deliveries.
/// </summary>
public class ChannelFaultTests
{
    private static readonly CreateChannelOptions Confirms = new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);

    [Test]
    public async Task NackPublishes_NacksTheNextPublishes_WhichAreNotEnqueued()
    {
        await using var client = await ToolkitClient.StartAsync("nacks", Confirms);
        var (broker, channel) = (client.Broker, client.Channel);
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;

        broker.Faults.NackPublishes(client.ChannelScope, count: 2);

        for (var i = 0; i < 2; i++)
        {
            var nack = await Assert.ThrowsAsync<PublishException>(async () => await channel.BasicPublishAsync("", queue, "nacked"u8.ToArray()));
            Assert.That(nack!.IsReturn, Is.False);
        }

        await channel.BasicPublishAsync("", queue, "acked"u8.ToArray());
        Assert.That(broker.Faults.IsArmed, Is.False);
        var got = await channel.BasicGetAsync(queue, autoAck: true);
        Assert.That(Encoding.UTF8.GetString(got!.Body.Span), Is.EqualTo("acked"));
        Assert.That(await channel.MessageCountAsync(queue), Is.Zero);
    }

    [Test]
    public async Task NackPublishes_ScopedToAQueue_RefusesOnlyAtThatQueue()
    {
        await using var client = await ToolkitClient.StartAsync("queue-nacks", Confirms);
        var (broker, channel) = (client.Broker, client.Channel);
        var refusing = (await channel.QueueDeclareAsync("refusing", false, false, false)).QueueName;
        var accepting = (await channel.QueueDeclareAsync("accepting", false, false, false)).QueueName;

        broker.Faults.NackPublishes(FaultScope.ForQueue(refusing));

        await channel.BasicPublishAsync("", accepting, "fine"u8.ToArray());
        await Assert.ThrowsAsync<PublishException>(async () => await channel.BasicPublishAsync("", refusing, "refused"u8.ToArray()));
        Assert.That(await channel.MessageCountAsync(accepting), Is.EqualTo(1));
        Assert.That(await channel.MessageCountAsync(refusing), Is.Zero);
    }

    [Test]
    public async Task RefuseDeclares_FailsTheNextDeclare_WithTheGivenCodeAndText()
    {
        await using var client = await ToolkitClient.StartAsync("declares");
        var (broker, connection, channel) = (client.Broker, client.Connection, client.Channel);

        broker.Faults.RefuseDeclares(FaultScope.Everywhere, ReplyCode.ResourceLocked, "queue is being migrated");

        var error = await Assert.ThrowsAsync<OperationInterruptedException>(async () => await channel.QueueDeclareAsync("declared", false, false, false));
        Assert.That(error!.ShutdownReason!.ReplyCode, Is.EqualTo(405));
        Assert.That(error.ShutdownReason.ReplyText, Is.EqualTo("RESOURCE_LOCKED - queue is being migrated"));
        await using var next = await connection.CreateChannelAsync();
        Assert.That((await next.QueueDeclareAsync("declared", false, false, false)).QueueName, Is.EqualTo("declared"));
    }

    [Test]
    public async Task RefuseDeclares_ScopedToAQueue_LetsOtherDeclaresThrough()
    {
        await using var client = await ToolkitClient.StartAsync("queue-declares");
        var (broker, channel) = (client.Broker, client.Channel);

        broker.Faults.RefuseDeclares(FaultScope.ForQueue("refused"), ReplyCode.NotFound, "no such node");

        await channel.ExchangeDeclareAsync("unaffected", ExchangeType.Fanout);
        await channel.QueueDeclareAsync("unaffected", false, false, false);
        var error = await Assert.ThrowsAsync<OperationInterruptedException>(async () => await channel.QueueDeclareAsync("refused", false, false, false));
        Assert.That(error!.ShutdownReason!.ReplyCode, Is.EqualTo(404));
    }

    [Test]
    public async Task CloseChannels_ClosesThatChannel_AndLeavesTheConnectionOpen()
    {
        await using var client = await ToolkitClient.StartAsync("channel-close");
        var closed = new TaskCompletionSource<ShutdownEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Channel.ChannelShutdownAsync += (_, args) =>
        {
            closed.TrySetResult(args);
            return Task.CompletedTask;
        };

        var count = client.Broker.Faults.CloseChannels(client.ChannelScope, ReplyCode.PreconditionFailed, "test");

        Assert.That(count, Is.EqualTo(1));
        var reason = await closed.Task.WaitAsync(TestBroker.Timeout);
        Assert.That((reason.ReplyCode, reason.ReplyText), Is.EqualTo(((ushort)406, "PRECONDITION_FAILED - test")));
        Assert.That(client.Connection.IsOpen, Is.True);
    }

    [Test]
    public async Task CancelConsumers_SendsBasicCancel_AndTheClientCanConsumeAgain()
    {
        await using var client = await ToolkitClient.StartAsync("cancel");
        var (broker, channel) = (client.Broker, client.Channel);
        var queue = (await channel.QueueDeclareAsync("cancelled", false, false, false)).QueueName;
        var cancelled = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.UnregisteredAsync += (_, args) =>
        {
            cancelled.TrySetResult(args.ConsumerTags[0]);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, "first", consumer);

        Assert.That(broker.Faults.CancelConsumers(queue), Is.EqualTo(1));

        Assert.That(await cancelled.Task.WaitAsync(TestBroker.Timeout), Is.EqualTo("first"));
        // What an application's cancel handler does: consume again.
        var again = new AsyncEventingBasicConsumer(channel);
        again.ReceivedAsync += (_, args) =>
        {
            received.TrySetResult(Encoding.UTF8.GetString(args.Body.Span));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, "second", again);
        await channel.BasicPublishAsync("", queue, "still here"u8.ToArray());
        Assert.That(await received.Task.WaitAsync(TestBroker.Timeout), Is.EqualTo("still here"));
    }

    [Test]
    public async Task DelayDeliveries_HoldsEachDeliveryBack()
    {
        await using var client = await ToolkitClient.StartAsync("slow");
        var channel = client.Channel;
        var queue = (await channel.QueueDeclareAsync("", false, true, true)).QueueName;
        var received = new TaskCompletionSource<DateTime>(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, _) =>
        {
            received.TrySetResult(DateTime.UtcNow);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        var delay = TimeSpan.FromMilliseconds(500);

        Assert.That(client.Broker.Faults.DelayDeliveries(client.ConnectionScope, delay), Is.EqualTo(1));
        var published = DateTime.UtcNow;
        await channel.BasicPublishAsync("", queue, "slow"u8.ToArray());

        Assert.That(await received.Task.WaitAsync(TestBroker.Timeout) - published, Is.GreaterThanOrEqualTo(delay - TimeSpan.FromMilliseconds(50)));
    }

    /// <summary>Off, its paths are unknown ones, as on RabbitMQ: 405 to DELETE, with what any unknown path allows.</summary>
    [Test]
    public async Task FaultApi_IsNotServed_UnlessEnabled()
    {
        await using var broker = await TestBroker.StartAsync(o => o.ManagementPort = 0);
        using var http = AdminClient(broker);

        using var response = await http.DeleteAsync("api/faults");

        Assert.That(((int)response.StatusCode, string.Join(", ", response.Content.Headers.Allow)), Is.EqualTo((405, "HEAD, GET, OPTIONS")));
    }

    [Test]
    public async Task FaultApi_ClosesAConnection_NamedByItsClientProvidedName()
    {
        await using var broker = await StartWithFaultApiAsync();
        using var http = AdminClient(broker);
        var factory = TestBroker.RecoveringFactory(broker, "api-close");
        await using var connection = await TestBroker.ConnectAsync(broker, factory);
        var shutdown = TestBroker.NextShutdownAsync(connection);

        using var response = await http.PostAsync("api/faults/connections/close", Json($$"""{"connection":"{{factory.ClientProvidedName}}","code":320,"text":"via http"}"""));

        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("""{"affected":1}"""));
        Assert.That((await shutdown.WaitAsync(TestBroker.Timeout)).ReplyText, Is.EqualTo("CONNECTION_FORCED - via http"));
    }

    [Test]
    public async Task FaultApi_NacksPublishes_AndRefusesBadRequests()
    {
        await using var broker = await StartWithFaultApiAsync();
        using var http = AdminClient(broker);

        using var armed = await http.PostAsync("api/faults/publishes/nack", Json("""{"vhost":"/","count":3}"""));
        using var badCode = await http.PostAsync("api/faults/connections/close", Json("""{"code":404}"""));
        using var badAlarm = await http.PutAsync("api/faults/alarms/cpu", Json("{}"));

        Assert.That((int)armed.StatusCode, Is.EqualTo(204));
        Assert.That(broker.Faults.IsArmed, Is.True);
        Assert.That((int)badCode.StatusCode, Is.EqualTo(400));
        Assert.That((int)badAlarm.StatusCode, Is.EqualTo(404));
    }

    private static Task<BrokerHost> StartWithFaultApiAsync() => TestBroker.StartAsync(o =>
    {
        o.ManagementPort = 0;
        o.EnableFaultApi = true;
    });

    private static HttpClient AdminClient(BrokerHost broker)
    {
        var http = new HttpClient { BaseAddress = broker.ManagementUri };
        http.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String("guest:guest"u8.ToArray()));
        return http;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
