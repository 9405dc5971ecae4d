using AmqpBroker.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace AmqpBroker.InteropTests.QueueTypes;

/// <summary>
/// RabbitMQ 4.3's delayed retry of quorum queues over the wire, on the in-process broker behaving as 4.3
/// (release-notes/4.3.0.md, Core Server, #13885; rabbit_fifo:should_delay0 and rabbit_quorum_queue's queue stats
/// at v4.3.0): a nacked message comes back only after <c>x-delayed-retry-min</c>, and the management API shows
/// it as <c>messages_delayed</c> meanwhile, with the configuration in <c>delayed_retry</c>. The broker runs on a
/// clock the test moves.
/// </summary>
[Releases("4.3")]
[OwnBrokerOnly("the RabbitMQ at AMQP_URI is 3.10, which has no delayed retry")]
public sealed class QuorumDelayedRetryTests : ManagementTestBase
{
    private const int MinimumMs = 400;

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    protected override BrokerOptions CreateOptions()
    {
        var options = base.CreateOptions();
        options.TimeProvider = _clock;
        return options;
    }

    [Test]
    public async Task A_nacked_message_waits_out_the_minimum_and_shows_as_delayed_meanwhile()
    {
        var channel = await OpenChannelAsync();
        var name = Track($"qq-retry-{Guid.NewGuid():N}");
        await channel.QueueDeclareAsync(name, true, false, false, Args(
            ("x-queue-type", "quorum"), ("x-delayed-retry-type", "returned"), ("x-delayed-retry-min", MinimumMs), ("x-delayed-retry-max", 5000)));
        await channel.BasicPublishAsync(string.Empty, name, "m"u8.ToArray());
        var first = await GetEventuallyAsync(channel, name, autoAck: false);

        await channel.BasicNackAsync(first.DeliveryTag, multiple: false, requeue: true);
        var immediately = await channel.BasicGetAsync(name, autoAck: false); // a round trip: the nack was handled
        var whileDelayed = await GetJsonAsync($"api/queues/%2F/{Segment(name)}");
        _clock.Advance(TimeSpan.FromMilliseconds(MinimumMs - 1));
        var justBefore = await channel.BasicGetAsync(name, autoAck: false);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        var again = await GetEventuallyAsync(channel, name, autoAck: true);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(immediately, Is.Null, "not ready at once");
            Assert.That(justBefore, Is.Null, "not ready a millisecond before its time");
            Assert.That(again.Redelivered, Is.True);
            Assert.That(whileDelayed["messages_delayed"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(whileDelayed["messages"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(whileDelayed["messages_ready"]!.GetValue<int>(), Is.Zero);
            Assert.That(whileDelayed["delayed_retry"]!.GetValue<string>(), Is.EqualTo($"returned (min: {MinimumMs}ms, max: 5000ms)"));
        }
    }
}
