using AmqpBroker.Testing.Tests.Support;

namespace AmqpBroker.Testing.Tests;

/// <summary>
/// GetLeakReport lists what a test left behind — open connections, channels, consumers and unacknowledged
/// deliveries, messages left in queues, messages dead-lettered, unroutable or returned — and is empty after a
/// test that cleaned up; messages the reset point holds are not leaks.
/// </summary>
[TestFixture]
public sealed class LeakReportTests : ResetBrokerFixture
{
    [Test]
    public async Task A_test_that_cleans_up_leaves_nothing_behind()
    {
        var (connection, channel) = await Client.ConnectWithChannelAsync(Broker.AmqpUri);
        await channel.QueueDeclareAsync("tidy", durable: false, exclusive: false, autoDelete: false);
        await Client.PublishAsync(channel, "", "tidy", "m");
        Assert.That(await Client.GetAsync(channel, "tidy"), Is.EqualTo("m"));
        await connection.CloseAsync();
        await WaitForNoConnectionsAsync();

        var report = Broker.GetLeakReport();

        Assert.That(report.IsEmpty, Is.True, report.ToString());
        Assert.That(report.ToString(), Is.EqualTo("nothing left behind"));
    }

    [Test]
    public async Task Open_connections_channels_consumers_and_unacked_deliveries_are_listed()
    {
        var (_, channel) = await Client.ConnectWithChannelAsync(Broker.AmqpUri);
        await channel.QueueDeclareAsync("busy", durable: false, exclusive: false, autoDelete: false);
        await Client.PublishAsync(channel, "", "busy", "m1");
        await Client.PublishAsync(channel, "", "busy", "m2");
        await channel.BasicGetAsync("busy", autoAck: false);
        await channel.BasicConsumeAsync("busy", autoAck: true, "left-behind", new RabbitMQ.Client.Events.AsyncEventingBasicConsumer(channel));

        var report = Broker.GetLeakReport();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.Connections, Has.Count.EqualTo(1));
            Assert.That(report.Channels.Single().UnackedDeliveries, Is.EqualTo(1));
            Assert.That(report.UnackedDeliveries, Is.EqualTo(1));
            Assert.That(report.Consumers.Single().Tag, Is.EqualTo("left-behind"));
            Assert.That(report.Consumers.Single().Queue, Is.EqualTo("busy"));
            Assert.That(report.ToString(), Does.Contain("consumer 'left-behind' on queue 'busy'"));
        }
    }

    [Test]
    public async Task Messages_left_in_queues_and_lost_ones_are_counted()
    {
        var (connection, channel) = await Client.ConnectWithChannelAsync(Broker.AmqpUri);
        await channel.QueueDeclareAsync("forgotten", durable: false, exclusive: false, autoDelete: false);
        await Client.PublishAsync(channel, "", "forgotten", "left");
        await Client.PublishAsync(channel, "", "forgotten", "rejected");
        await Client.PublishAsync(channel, "amq.direct", "nowhere", "unroutable");
        await Client.PublishAsync(channel, "amq.direct", "nowhere", "returned", mandatory: true);
        var got = await channel.BasicGetAsync("forgotten", autoAck: false);
        Assert.That(got, Is.Not.Null);
        await channel.BasicRejectAsync(got!.DeliveryTag, requeue: false);
        await connection.CloseAsync();
        await WaitForNoConnectionsAsync();

        var report = Broker.GetLeakReport();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.ReadyMessages.Single(), Is.EqualTo(new Core.Testing.LeakedMessages("/", "forgotten", 1)));
            Assert.That(report.DeadLettered, Is.EqualTo(1), "rejected without requeue");
            Assert.That(report.Unroutable, Is.EqualTo(1));
            Assert.That(report.Returned, Is.EqualTo(1));
            Assert.That(report.IsEmpty, Is.False);
        }
    }

    [Test]
    public async Task Messages_the_reset_point_holds_are_not_leaks_and_a_reset_clears_the_counts()
    {
        await using var broker = await BrokerHost.StartAsync(new BrokerOptions());
        var (connection, channel) = await Client.ConnectWithChannelAsync(broker.AmqpUri);
        await channel.QueueDeclareAsync("seeded", durable: false, exclusive: false, autoDelete: false);
        await Client.PublishAsync(channel, "", "seeded", "fixture data");
        await Client.PublishAsync(channel, "amq.direct", "nowhere", "unroutable");
        await connection.CloseAsync();
        await broker.SnapshotAsync();
        await broker.ResetAsync();

        var report = broker.GetLeakReport();

        Assert.That(report.IsEmpty, Is.True, report.ToString());
    }

    [Test]
    public async Task A_report_for_one_virtual_host_leaves_the_others_out()
    {
        await using var mine = await Broker.CreateVirtualHostAsync();
        var (_, channel) = await Client.ConnectWithChannelAsync(Broker.AmqpUri);
        await channel.QueueDeclareAsync("elsewhere", durable: false, exclusive: false, autoDelete: false);
        await Client.PublishAsync(channel, "", "elsewhere", "not mine");
        await channel.QueueDeclarePassiveAsync("elsewhere");

        var report = mine.GetLeakReport();

        Assert.That(report.IsEmpty, Is.True, report.ToString());
        Assert.That(Broker.GetLeakReport().ReadyMessages, Has.Count.EqualTo(1));
    }

    /// <summary>The client's close returns once close-ok arrives; the broker's side of it may still be finishing.</summary>
    private async Task WaitForNoConnectionsAsync()
    {
        var deadline = DateTime.UtcNow + Client.Timeout;
        while (Broker.Broker.ConnectionCount > 0)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "connections still open");
            await Task.Delay(5);
        }
    }
}
