using AmqpBroker.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace AmqpBroker.InteropTests.QueueTypes;

/// <summary>
/// From RabbitMQ 4.2.8 and 4.3.2 the management API shows when a stream's oldest message was written
/// (<c>first_timestamp</c>; release-notes/4.2.8.md and 4.3.2.md, #15412; rabbit_stream_queue:i/2). The value is
/// osiris's first_timestamp counter, which its writer sets when the log opens and when retention is evaluated
/// after a segment fills, not on each append (osiris_log at v1.10.3, the osiris of 4.2.8). 4.2.8 shows an unset
/// counter as null, 4.3.5 as 0. On the in-process broker behaving as those releases, on a clock the test moves.
/// </summary>
[Releases("4.2", "4.3")]
[OwnBrokerOnly("the RabbitMQ at AMQP_URI is 3.10, which shows no first_timestamp")]
public sealed class StreamFirstTimestampTests : ManagementTestBase
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    protected override BrokerOptions CreateOptions()
    {
        var options = OnDisk(base.CreateOptions());
        options.TimeProvider = _clock;
        return options;
    }

    [Test]
    public async Task A_stream_whose_first_segment_has_not_filled_shows_the_counter_unset()
    {
        var channel = await OpenChannelAsync(ConfirmOptions);
        var name = await DeclareStreamAsync(channel);
        await PublishAsync(channel, name, "a", "b");

        var queue = await GetJsonAsync($"api/queues/%2F/{Segment(name)}");

        Assert.That(queue["messages"]!.GetValue<int>(), Is.EqualTo(2));
        if (RabbitMQVersion == "4.2")
        {
            Assert.That(queue.AsObject().ContainsKey("first_timestamp") && queue["first_timestamp"] is null, "4.2.8 turns an unset counter into ''");
        }
        else
        {
            Assert.That(queue["first_timestamp"]!.GetValue<long>(), Is.Zero);
        }
    }

    [Test]
    public async Task Once_a_segment_fills_it_is_the_time_of_the_oldest_chunk_retention_kept()
    {
        var channel = await OpenChannelAsync(ConfirmOptions);
        var kept = await DeclareStreamAsync(channel, ("x-stream-max-segment-size-bytes", 1L));
        var trimmed = await DeclareStreamAsync(channel, ("x-stream-max-segment-size-bytes", 1L), ("x-max-length-bytes", 1L));
        var first = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        await PublishAsync(channel, kept, "a");
        await PublishAsync(channel, trimmed, "a");
        _clock.Advance(TimeSpan.FromSeconds(5));
        var second = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        await PublishAsync(channel, kept, "b");
        await PublishAsync(channel, trimmed, "b");

        var keptJson = await GetJsonAsync($"api/queues/%2F/{Segment(kept)}");
        var trimmedJson = await GetJsonAsync($"api/queues/%2F/{Segment(trimmed)}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(keptJson["first_timestamp"]!.GetValue<long>(), Is.EqualTo(first), "the oldest segment's first chunk");
            Assert.That(trimmedJson["messages"]!.GetValue<int>(), Is.EqualTo(1), "retention dropped the oldest segment");
            Assert.That(trimmedJson["first_timestamp"]!.GetValue<long>(), Is.EqualTo(second), "the chunk retention kept");
        }
    }
}
