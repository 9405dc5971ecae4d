using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.Alarms;

/// <summary>
/// The disk free limit: with less free space than the limit where the data directory is (here a limit no disk
/// meets), the disk alarm is raised at start, publishers get connection.blocked "low on disk", /api/nodes reports
/// it and the alarms health check answers 503, as RabbitMQ does.
/// </summary>
[TestFixture]
public sealed class DiskFreeLimitTests : ManagementTestBase
{
    protected override BrokerOptions CreateOptions() =>
        OnDisk(new() { Port = 0, ManagementPort = 0, Bind = "127.0.0.1", DiskFreeLimit = "1000000TB" });

    [Test]
    [OwnBrokerOnly("starts its own broker with an unreachable disk free limit")]
    public async Task Too_little_free_disk_blocks_publishers_and_shows_in_the_node_and_the_health_check()
    {
        var (_, signals, channel) = await OpenWatchedPublisherAsync();
        var queue = await DeclareQueueAsync(channel);

        await PublishAsync(channel, queue, "held");

        Assert.That(await signals.Blocked.WaitAsync(Timeout), Is.EqualTo("low on disk"));
        var node = (await GetJsonAsync("api/nodes")).AsArray()[0]!;
        Assert.That(node["disk_free_alarm"]!.GetValue<bool>(), Is.True);
        Assert.That(node["disk_free_limit"]!.GetValue<long>(), Is.EqualTo(1_000_000_000_000_000_000L));
        Assert.That(node["mem_limit"]!.GetValue<long>(), Is.GreaterThan(0));
        var health = await SendAsync(HttpMethod.Get, "api/health/checks/alarms");
        Assert.That((int)health.Status, Is.EqualTo(503));

        // As rabbitmqctl set_disk_free_limit: a limit the disk meets clears the alarm at the next check.
        Host!.Broker.Resources.Disk!.SetLimit(0);
        await signals.Unblocked.WaitAsync(Timeout);
        Assert.That(Text((await GetEventuallyAsync(channel, queue)).Body), Is.EqualTo("held"));
    }
}
