using AmqpBroker.Core;

namespace AmqpBroker.InteropTests.Alarms;

/// <summary>
/// Credit-based publisher flow control with RabbitMQ.Client unchanged: a publisher faster than the queue's consumer
/// is throttled (its connection is no longer read and shows <c>flow</c> in /api/connections, as RabbitMQ shows a
/// connection under credit_flow) and the ready backlog stays at the queue's credit; a consumer that keeps up never
/// throttles its publisher. No AMQP method is involved, so the client sees nothing but TCP back-pressure.
/// </summary>
[TestFixture]
[OwnBrokerOnly("RabbitMQ's credit flow does not bound a backlog by its consumers' pace; this is the broker's own flow control")]
public sealed class PublisherFlowTests : ManagementTestBase
{
    /// <summary>The credit of a queue whose consumer takes fewer than this many messages per 100 ms (QueueCredit.MinimumCredit).</summary>
    private const int Credit = 2_000;

    /// <summary>Far more than the socket buffers and the broker's input pipe hold, so the publisher itself must wait.</summary>
    private const int Published = 40_000;

    [Test]
    public async Task A_slow_consumer_bounds_the_backlog_and_puts_the_publisher_in_flow()
    {
        var name = UniqueName("flow-slow");
        var (consumerChannel, queue) = await OpenChannelWithQueueAsync();
        await consumerChannel.BasicQosAsync(0, 1, false);
        var acked = 0;
        var consumer = new AsyncEventingBasicConsumer(consumerChannel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            await Task.Delay(1); // slower than any publisher
            await consumerChannel.BasicAckAsync(delivery.DeliveryTag, false);
            Interlocked.Increment(ref acked);
        };
        var tag = await consumerChannel.BasicConsumeAsync(queue, false, consumer);
        var publisher = await ConnectAsync(f => f.ClientProvidedName = name);
        var publishing = PublishAsync(publisher, queue, new byte[1024]);
        var ready = ReadyCounter(queue);

        var maxReady = 0;
        await EventuallyJsonAsync("api/connections", connections =>
        {
            maxReady = Math.Max(maxReady, ready());
            return ConnectionNamed(connections, name)?["state"]?.GetValue<string>() == "flow";
        }, "the publisher's connection is in flow");
        for (var i = 0; i < 20; i++)
        {
            maxReady = Math.Max(maxReady, ready());
            await Task.Delay(10);
        }

        Assert.That(publishing.IsCompleted, Is.False, "the publisher waits: the broker no longer reads it");
        // As in RabbitMQ's /api/channels, the publishing channel shows flow too.
        var publisherConnection = ConnectionNamed(await GetJsonAsync("api/connections"), name)!["name"]!.GetValue<string>();
        await EventuallyJsonAsync("api/channels", channels => StateOf(channels, publisherConnection, 1) == "flow", "the publishing channel is in flow");
        Assert.That(maxReady, Is.InRange(Credit / 2, Credit + 1), "the ready backlog stays at the queue's credit");

        // Without consumers the queue is a plain buffer again: the publisher is read and finishes.
        await consumerChannel.BasicCancelAsync(tag);
        await publishing.WaitAsync(Timeout);
        await EventuallyAsync(() => Task.FromResult(ready() + Volatile.Read(ref acked) == Published));
        Assert.That(ready() + Volatile.Read(ref acked), Is.EqualTo(Published), "every message arrived");
    }

    [Test]
    public async Task A_consumer_that_keeps_up_never_throttles_the_publisher()
    {
        var (consumerChannel, queue) = await OpenChannelWithQueueAsync();
        var received = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(consumerChannel);
        consumer.ReceivedAsync += (_, _) =>
        {
            if (Interlocked.Increment(ref received) == Published)
            {
                all.TrySetResult();
            }

            return Task.CompletedTask;
        };
        await consumerChannel.BasicConsumeAsync(queue, true, consumer);
        var publisher = await ConnectAsync();
        ClientConnection? client = null;
        Assert.That(await EventuallyAsync(() => Task.FromResult((client = FindConnection(publisher)) is not null)), Is.True, "the broker lists the publisher");

        var states = new HashSet<string>();
        var publishing = PublishAsync(publisher, queue, new byte[16]);
        while (!all.Task.IsCompleted && !publishing.IsFaulted)
        {
            states.Add(client!.State());
            await Task.WhenAny(all.Task, Task.Delay(5));
        }

        await publishing.WaitAsync(Timeout);
        await all.Task.WaitAsync(Timeout);
        states.Add(client!.State()); // flow would still show: RabbitMQ keeps showing it for 5 s
        Assert.That(states, Is.EquivalentTo(new[] { "running" }));
    }

    private static async Task PublishAsync(IConnection connection, string queue, byte[] body)
    {
        await using var channel = await connection.CreateChannelAsync();
        for (var i = 0; i < Published; i++)
        {
            await channel.BasicPublishAsync(string.Empty, queue, body);
        }
    }

    /// <summary>The queue's ready count, read in-process as often as the test needs (the admin API's is a snapshot).</summary>
    private Func<int> ReadyCounter(string queue)
    {
        var found = Host!.Broker.FindVirtualHost("/")!.FindQueue(queue)!;
        return () => found.ReadyCount;
    }

    /// <summary>The broker's record of <paramref name="connection"/>, by its client port; null until the broker lists it.</summary>
    private ClientConnection? FindConnection(IConnection connection) =>
        Host!.Broker.Connections.FirstOrDefault(c => c.Name.StartsWith($"127.0.0.1:{connection.LocalPort} ", StringComparison.Ordinal));

    private static string? StateOf(System.Text.Json.Nodes.JsonNode channels, string connection, int number) =>
        channels.AsArray().FirstOrDefault(c => c?["connection_details"]?["name"]?.GetValue<string>() == connection
            && c["number"]?.GetValue<int>() == number)?["state"]?.GetValue<string>();

    private static System.Text.Json.Nodes.JsonNode? ConnectionNamed(System.Text.Json.Nodes.JsonNode connections, string name) =>
        connections.AsArray().FirstOrDefault(c => c?["user_provided_name"]?.GetValue<string>() == name);
}
