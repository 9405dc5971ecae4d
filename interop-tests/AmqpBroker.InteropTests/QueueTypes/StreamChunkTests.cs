namespace AmqpBroker.InteropTests.QueueTypes;

/// <summary>
/// A stream's chunks as RabbitMQ 3.10.8 shows them, checked against it. osiris writes what its writer took in one turn
/// as one chunk and confirms a message once its chunk is written, so how a pipelined burst is cut into chunks depends on
/// timing; these checks hold however it is cut: <c>last</c> gives the last chunk, a run of the burst that ends at its
/// last message and never reaches back past a message confirmed before it, and a numeric offset inside a chunk starts
/// exactly there (RabbitMQ against 3.10.8: 500 + 500 pipelined publishes, then <c>last</c> gave offsets 940-999).
/// </summary>
[TestFixture]
public sealed class StreamChunkTests : StreamTestBase
{
    private const int Burst = 500;

    [Test]
    public async Task Last_after_a_pipelined_burst_gives_its_last_chunk_up_to_the_last_message()
    {
        var (connection, stream) = await StreamWithAsync("alone");
        await PublishBurstAsync(connection, stream, Messages(Burst));

        var offsets = await ReadOffsetsToAsync(connection, stream, "last", lastOffset: Burst);

        Assert.That(offsets[0], Is.GreaterThanOrEqualTo(1L), "the message confirmed before the burst ended its chunk");
        Assert.That(offsets, Is.EqualTo(Enumerable.Range((int)offsets[0], Burst + 1 - (int)offsets[0]).Select(o => (long)o)));
    }

    [Test]
    public async Task A_numeric_offset_inside_a_burst_starts_exactly_there()
    {
        var (connection, stream) = await StreamWithAsync();
        await PublishBurstAsync(connection, stream, Messages(Burst));

        var offsets = await ReadOffsetsToAsync(connection, stream, 250L, lastOffset: Burst - 1);

        Assert.That(offsets, Is.EqualTo(Enumerable.Range(250, Burst - 250).Select(o => (long)o)));
    }

    [Test]
    public async Task First_after_bursts_gives_every_message()
    {
        var (connection, stream) = await StreamWithAsync("alone");
        await PublishBurstAsync(connection, stream, Messages(Burst));
        await PublishBurstAsync(connection, stream, Messages(Burst));

        var offsets = await ReadOffsetsToAsync(connection, stream, "first", lastOffset: 2 * Burst);

        Assert.That(offsets, Is.EqualTo(Enumerable.Range(0, (2 * Burst) + 1).Select(o => (long)o)));
    }

    [Test]
    public async Task Last_on_an_empty_stream_waits_for_the_first_message()
    {
        var (connection, stream) = await StreamWithAsync();
        var consumer = await ConsumeStreamAsync(connection, stream, "last");

        await PublishConfirmedAsync(connection, stream, "a");

        var delivery = await consumer.NextAsync(Timeout);
        Assert.That((delivery.Text, Offset(delivery)), Is.EqualTo(("a", 0L)));
    }

    private static IEnumerable<(string, string?)> Messages(int count) => Enumerable.Range(0, count).Select(i => ($"m{i}", (string?)null));
}
