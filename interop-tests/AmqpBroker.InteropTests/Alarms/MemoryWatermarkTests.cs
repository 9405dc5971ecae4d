using AmqpBroker.Core.Alarms;
using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.Alarms;

/// <summary>
/// The memory high watermark raises the memory alarm by itself: RabbitMQ.Client sees connection.blocked with
/// RabbitMQ's reason, consumers keep draining while publishers wait, and connection.unblocked follows once memory
/// is under the limit again (the limit is moved at run time, as rabbitmqctl set_vm_memory_high_watermark does).
/// </summary>
[TestFixture]
public sealed class MemoryWatermarkTests : BrokerTestBase
{
    private const int Backlog = 200;

    [Test]
    [OwnBrokerOnly("moves the in-process broker's watermark")]
    public async Task Crossing_the_watermark_blocks_publishers_while_consumers_drain_and_going_back_unblocks_them()
    {
        var watermark = Host!.Broker.Resources.Memory!;
        var originalLimit = watermark.LimitBytes;
        var (filler, queue) = await OpenChannelWithQueueAsync();
        await PublishAsync(filler, queue, [.. Enumerable.Range(0, Backlog).Select(i => $"m{i}")]);
        Assert.That(await EventuallyAsync(async () => await filler.MessageCountAsync(queue) == Backlog), Is.True);

        var (_, signals, publisher) = await OpenWatchedPublisherAsync();

        watermark.SetLimit(1);
        try
        {
            Assert.That(await EventuallyAsync(() => Task.FromResult(Host.Broker.Alarm.IsRaised(AlarmResource.Memory))), Is.True, "the monitor sees it");
            await PublishAsync(publisher, queue, "held");
            Assert.That(await signals.Blocked.WaitAsync(Timeout), Is.EqualTo("low on memory"));

            var consumer = await ConsumeAsync(await OpenChannelAsync(), queue, autoAck: true);
            for (var i = 0; i < Backlog; i++)
            {
                Assert.That(Text((await consumer.NextAsync(Timeout)).Body), Is.EqualTo($"m{i}"), "consumers drain while publishers are blocked");
            }

            Assert.That(signals.Unblocked.IsCompleted, Is.False);
        }
        finally
        {
            watermark.SetLimit(originalLimit);
        }

        await signals.Unblocked.WaitAsync(Timeout);
    }
}
