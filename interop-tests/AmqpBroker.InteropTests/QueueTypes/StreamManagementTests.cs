using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.QueueTypes;

/// <summary>
/// Streams in the management API as RabbitMQ 3.10.8 shows them (checked): type "stream", every message held
/// as ready and none unacknowledged (acks remove nothing), the one node as member and online replica, and the
/// stream among the vhost's queues.
/// </summary>
public sealed class StreamManagementTests : ManagementTestBase
{
    [Test]
    public async Task A_stream_shows_its_type_its_messages_and_its_one_node()
    {
        var channel = await OpenChannelAsync(ConfirmOptions);
        var name = Track($"sq-{Guid.NewGuid():N}");
        await channel.QueueDeclareAsync(name, true, false, false, Args(("x-queue-type", "stream"), ("x-max-age", "1D")));
        await PublishAsync(channel, name, "a", "b", "c");

        // RabbitMQ's message counts and its members come with its statistics, a few seconds late and not always together.
        JsonNode queue = new JsonObject();
        var counted = await EventuallyAsync(async () =>
        {
            queue = await GetJsonAsync($"api/queues/%2F/{Segment(name)}");
            return queue["messages"]?.GetValue<int>() == 3 && queue["members"] is not null;
        });
        var listed = await GetJsonAsync("api/queues/%2F");

        Assert.That(counted, Is.True, queue.ToJsonString());
        var node = queue["members"]!.AsArray().Single()!.GetValue<string>();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(queue["type"]!.GetValue<string>(), Is.EqualTo("stream"));
            Assert.That(queue["messages_ready"]!.GetValue<int>(), Is.EqualTo(3));
            Assert.That(queue["messages_unacknowledged"]!.GetValue<int>(), Is.Zero);
            Assert.That(queue["online"]!.AsArray().Select(m => m!.GetValue<string>()), Is.EqualTo(new[] { node }));
            Assert.That(queue["arguments"]!.ToJsonString(), Is.EqualTo("""{"x-max-age":"1D","x-queue-type":"stream"}"""));
            Assert.That(listed.AsArray().Select(q => q!["name"]!.GetValue<string>()), Does.Contain(name));
            Assert.That(queue["segments"], Profile.StreamSegmentsField ? Is.Not.Null : Is.Null, "a segment count from 3.13 on (StreamSegmentsFieldTests)");
        }
    }
}
