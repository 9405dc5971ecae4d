using AmqpBroker.FrameworkTests.Support;
using MassTransit;
using RabbitMQ.Client.Exceptions;

namespace AmqpBroker.FrameworkTests.MassTransit;

/// <summary>
/// MassTransit endpoints on the queue types and queue options it configures itself: a quorum queue
/// (<c>SetQuorumQueue</c>), single active consumer, and a stream read from its first message by two consumers
/// (a stream is read, not consumed).
/// </summary>
public sealed class MassTransitQueueTypeTests(string release) : MassTransitFixture(release)
{
    [Test]
    public async Task A_quorum_queue_endpoint_is_declared_as_one_and_consumes()
    {
        var orders = Endpoint("quorum");
        var received = new TaskCompletionSource<Guid>(TaskCreationOptions.RunContinuationsAsynchronously);
        var bus = await StartBusAsync(cfg => cfg.ReceiveEndpoint(orders, e =>
        {
            e.SetQuorumQueue();
            e.Handler<OrderSubmitted>(context =>
            {
                received.TrySetResult(context.Message.OrderId);
                return Task.CompletedTask;
            });
        }));

        var orderId = Guid.NewGuid();
        await bus.Publish(new OrderSubmitted(orderId));

        Assert.That(await received.Task.WaitAsync(Timeout), Is.EqualTo(orderId));
        await using var connection = await Broker.ConnectAsync();
        await using var channel = await connection.CreateChannelAsync();
        var classic = await Assert.ThrowsAsync<OperationInterruptedException>(() => channel.QueueDeclareAsync(
            orders, durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-queue-type"] = "classic" }));
        Assert.That(classic!.ShutdownReason!.ReplyCode, Is.EqualTo(406), "the queue MassTransit declared is a quorum queue");
    }

    [Test]
    public async Task With_single_active_consumer_one_bus_takes_every_message()
    {
        const int Count = 20;
        var audit = Endpoint("sac");
        using var takers = new HandledTally<string>(Count);
        foreach (var name in new[] { "first", "second" })
        {
            await StartBusAsync(cfg => cfg.ReceiveEndpoint(audit, e =>
            {
                e.SingleActiveConsumer = true;
                e.Handler<AuditEntry>(_ =>
                {
                    takers.Add(name);
                    return Task.CompletedTask;
                });
            }));
        }

        // Published, not sent to queue:{audit}: a send endpoint declares the queue with its own (classic) arguments,
        // which RabbitMQ refuses as inequivalent, and MassTransit retries that declare for good.
        var publisher = await StartBusAsync(_ => { });
        for (var i = 0; i < Count; i++)
        {
            await publisher.Publish(new AuditEntry(i));
        }

        Assert.That(takers.Wait(Timeout), Is.True);
        Assert.That(takers.Counts, Is.EquivalentTo(new Dictionary<string, int> { ["first"] = Count }), "the first consumer is the active one");
    }

    [Test]
    public async Task Two_endpoints_read_the_same_stream_from_its_first_message()
    {
        const int Count = 5;
        var stock = Endpoint("stream");
        using var reads = new HandledTally<(string Reader, int Number)>(2 * Count);
        await StartStreamReaderAsync("early");
        var publisher = await StartBusAsync(_ => { });
        for (var i = 0; i < Count; i++)
        {
            await publisher.Publish(new StockChanged(i));
        }

        await StartStreamReaderAsync("late");

        Assert.That(reads.Wait(Timeout), Is.True, $"{2 * Count - reads.Remaining} of {2 * Count} reads");
        Assert.That(reads.Counts.Keys.Where(r => r.Reader == "late").Select(r => r.Number).Order(), Is.EqualTo(Enumerable.Range(0, Count)),
            "a reader that came after the messages still reads them all");
        Assert.That(reads.Counts.Keys.Where(r => r.Reader == "early").Select(r => r.Number).Order(), Is.EqualTo(Enumerable.Range(0, Count)));
        Assert.That(reads.Counts.Values, Is.All.EqualTo(1));

        Task StartStreamReaderAsync(string reader) => StartBusAsync(cfg => cfg.ReceiveEndpoint(stock, e =>
        {
            e.Stream(s => s.FromFirst());
            e.Handler<StockChanged>(context =>
            {
                reads.Add((reader, context.Message.Number));
                return Task.CompletedTask;
            });
        }));
    }
}
