namespace AmqpBroker.InteropTests.QueueTypes;

/// <summary>
/// A stream is a log on disk: every message (transient ones too) is confirmed after the fsync and comes back
/// after a restart and a SIGKILL of the broker, read from the segment files by a consumer starting at
/// <c>first</c>, with its offset and delivery mode; offsets go on where they stopped, and <c>last</c> finds the
/// same chunk as before. In-process brokers on a data directory, and the executable killed.
/// </summary>
public sealed class StreamDurabilityTests : QueueTypeRestartFixture
{
    [Test]
    public async Task Messages_come_back_after_a_restart_from_several_segments_and_offsets_go_on()
    {
        await WithBrokerAsync(async (connection, _) =>
        {
            await using var channel = await connection.CreateChannelAsync(Confirms);
            await channel.QueueDeclareAsync("sq", durable: true, exclusive: false, autoDelete: false, StreamArguments);
            await PublishAsync(channel, "sq", "transient", persistent: false);
            await PublishAsync(channel, "sq", "persistent", persistent: true);
            await PublishAsync(channel, "sq", "third", persistent: true);
        });

        await WithBrokerAsync(async (connection, channel) =>
        {
            await using (var confirms = await connection.CreateChannelAsync(Confirms))
            {
                await PublishAsync(confirms, "sq", "after restart", persistent: false);
            }

            var deliveries = await ReadAsync(channel, "sq", 4);

            Assert.That(deliveries.Select(d => (d.Text, (long)d.Properties.Headers!["x-stream-offset"]!, d.Properties.DeliveryMode)), Is.EqualTo(new[]
            {
                ("transient", 0L, DeliveryModes.Transient),
                ("persistent", 1L, DeliveryModes.Persistent),
                ("third", 2L, DeliveryModes.Persistent),
                ("after restart", 3L, DeliveryModes.Transient),
            }));
        });
    }

    [Test]
    public async Task Confirmed_messages_survive_SIGKILL()
    {
        const int Messages = 200;

        var bodies = await PublishConfirmedThenKillAsync("sq", StreamArguments, Messages, async channel => (await ReadAsync(channel, "sq", Messages)).Select(d => d.Text));

        Assert.That(bodies, Is.EqualTo(Enumerable.Range(0, Messages).Select(i => $"{i}")), "every confirmed message, once, in order");
    }

    [Test]
    public async Task After_a_restart_last_starts_at_the_same_chunk_as_before()
    {
        const int Burst = 300;
        var before = new List<long>();
        await WithBrokerAsync(async (connection, _) =>
        {
            await using var channel = await connection.CreateChannelAsync(Confirms);
            await channel.QueueDeclareAsync("sq", durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-queue-type"] = "stream" });
            await PublishAsync(channel, "sq", "alone", persistent: true);
            await Task.WhenAll(Enumerable.Range(0, Burst).Select(i => PublishAsync(channel, "sq", $"{i}", persistent: true)));
            before = await StreamTestBase.ReadOffsetsToAsync(connection, "sq", "last", lastOffset: Burst);
        });

        await WithBrokerAsync(async (connection, _) =>
        {
            var after = await StreamTestBase.ReadOffsetsToAsync(connection, "sq", "last", lastOffset: Burst);

            Assert.That(after, Is.EqualTo(before), "the chunks are found again");
            Assert.That(after[0], Is.GreaterThanOrEqualTo(1L));
        });
    }

    /// <summary>Reads <paramref name="count"/> messages from the start of the stream.</summary>
    private static async Task<IReadOnlyList<Delivery>> ReadAsync(IChannel channel, string stream, int count)
    {
        await channel.BasicQosAsync(0, (ushort)count, global: false);
        var consumer = new CollectingConsumer(channel);
        await channel.BasicConsumeAsync(stream, autoAck: false, string.Empty, noLocal: false, exclusive: false, new Dictionary<string, object?> { ["x-stream-offset"] = "first" }, consumer);
        return await consumer.TakeAsync(count, Deadline);
    }

    /// <summary>Segments of 200 bytes: a few messages each, so reading back crosses segment files.</summary>
    private static Dictionary<string, object?> StreamArguments => new() { ["x-queue-type"] = "stream", ["x-stream-max-segment-size-bytes"] = 200L };
}
