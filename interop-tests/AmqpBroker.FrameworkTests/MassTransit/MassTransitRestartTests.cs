using AmqpBroker.FrameworkTests.Support;
using MassTransit;

namespace AmqpBroker.FrameworkTests.MassTransit;

/// <summary>
/// MassTransit's messages across a restart of a broker that keeps its data: MassTransit publishes persistent
/// messages with publisher confirms, so what it published to a durable endpoint while no consumer ran is
/// consumed after the broker restarts. In-process only: the test restarts the broker.
/// </summary>
public sealed class MassTransitRestartTests(string release) : MassTransitFixture(release)
{
    protected override bool OnDisk => true;

    [SetUp]
    public void NeedsTheInProcessBroker()
    {
        if (Broker.Host is null)
        {
            Assert.Ignore("restarts the in-process broker; the RabbitMQ at AMQP_URI is not this test's to restart");
        }
    }

    [Test]
    public async Task Confirmed_messages_published_while_no_consumer_ran_are_consumed_after_a_restart()
    {
        const int Count = 10;
        var orders = Endpoint("restart");
        using var consumed = new HandledTally<int>(Count);
        Action<IRabbitMqBusFactoryConfigurator> consumer = cfg => cfg.ReceiveEndpoint(orders, e => e.Handler<CountedEvent>(context =>
        {
            consumed.Add(context.Message.Number);
            return Task.CompletedTask;
        }));

        // The consumer's bus declares the durable endpoint and its bindings; stopped, it leaves the messages in the queue.
        await StopBusAsync(await StartBusAsync(consumer));
        var publisher = await StartBusAsync(_ => { });
        for (var i = 0; i < Count; i++)
        {
            await publisher.Publish(new CountedEvent(i));
        }

        await StopBusAsync(publisher);
        await Broker.RestartAsync();
        await StartBusAsync(consumer);

        Assert.That(consumed.Wait(Timeout), Is.True, $"{Count - consumed.Remaining} of {Count} consumed after the restart");
        Assert.That(consumed.Counts.Keys, Is.EquivalentTo(Enumerable.Range(0, Count)));
    }
}
