using System.Globalization;

namespace AmqpBroker.InteropTests.QueueTypes;

/// <summary>
/// A stream's retention as RabbitMQ 3.10.8 applies it, checked against it: x-max-length-bytes drops whole
/// segments from the oldest on once a new segment starts, so a consumer reading from <c>first</c> starts at a
/// later offset, while the newest messages stay. (RabbitMQ's offsets also count the writer's tracking record at the
/// start of each segment, so they run ahead of the message count there; here they number messages only.)
/// </summary>
public sealed class StreamRetentionTests : StreamTestBase
{
    private const int Messages = 60;

    [Test]
    public async Task Max_length_bytes_drops_the_oldest_segments()
    {
        var connection = await ConnectAsync();
        await using var channel = await connection.CreateChannelAsync(ConfirmOptions);
        var stream = await DeclareStreamAsync(channel, ("x-max-length-bytes", 20_000L), ("x-stream-max-segment-size-bytes", 5_000L));
        for (var i = 0; i < Messages; i++)
        {
            await channel.BasicPublishAsync(string.Empty, stream, Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture).PadRight(1000)));
        }

        // RabbitMQ trims in the background once a segment fills up.
        var trimmed = await EventuallyAsync(async () => (await channel.QueueDeclarePassiveAsync(stream)).MessageCount is > 0 and < Messages);
        var (consumer, _, _) = await ConsumeOnNewChannelAsync(connection, stream, prefetch: Messages, Args(("x-stream-offset", "first")));
        var first = await consumer.NextAsync(Timeout);
        var rest = await consumer.TakeUpToAsync(Messages, QuietPeriod);

        Assert.That(trimmed, Is.True, "fewer messages than were published, but not none");
        Assert.That(Offset(first), Is.GreaterThan(0));
        Assert.That((rest.Count > 0 ? rest[^1] : first).Text.TrimEnd(), Is.EqualTo($"{Messages - 1}"), "the newest message stays");
    }
}
