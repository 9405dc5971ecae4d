using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.QueueTypes;

/// <summary>
/// From RabbitMQ 3.13.3 the management API shows how many segment files a stream has (<c>segments</c>: osiris's
/// counter, in rabbit_osiris_metrics's STATISTICS_KEYS at v3.13.7; release-notes/3.13.3.md), on the in-process broker
/// behaving as those releases (the RabbitMQ on this machine is 3.10, which shows no such field).
/// </summary>
[Releases("3.13", "4.2")]
public sealed class StreamSegmentsFieldTests : ManagementTestBase
{
    [Test]
    public async Task A_stream_shows_how_many_segments_it_holds()
    {
        if (IsExternal)
        {
            Assert.Ignore($"the RabbitMQ at AMQP_URI is 3.10; this expects {RabbitMQVersion}");
        }

        var channel = await OpenChannelAsync(ConfirmOptions);
        var name = await DeclareStreamAsync(channel, ("x-stream-max-segment-size-bytes", 1L));
        await PublishAsync(channel, name, "a", "b", "c");

        var queue = await GetJsonAsync($"api/queues/%2F/{Segment(name)}");

        Assert.That((queue["messages"]!.GetValue<int>(), queue["segments"]!.GetValue<int>()), Is.EqualTo((3, 3)), "segments of one byte hold a message each");
    }
}
