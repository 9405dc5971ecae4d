namespace AmqpBroker.InteropTests.QueueTypes;

/// <summary>
/// Reading a stream over AMQP 0-9-1 as RabbitMQ 3.10.8 does, checked against it: consumers need a prefetch and
/// manual acks; each starts where its x-stream-offset says (first, last, next by default, a number, a
/// timestamp, an interval) and reads on its own; every delivery carries x-stream-offset; acks only give credit
/// back, so the stream keeps every message; new messages reach attached consumers as they arrive.
/// </summary>
public sealed class StreamConsumeTests : StreamTestBase
{
    [Test]
    public async Task First_reads_every_message_with_its_offset_in_a_long_header()
    {
        var (connection, stream) = await StreamWithAsync("a", "b", "c");

        var consumer = await ConsumeStreamAsync(connection, stream, "first");
        var deliveries = await consumer.TakeAsync(3, Timeout);

        Assert.That(deliveries.Select(d => (d.Text, Offset(d), d.Redelivered)), Is.EqualTo(new[] { ("a", 0L, false), ("b", 1L, false), ("c", 2L, false) }));
        Assert.That(deliveries.Select(d => d.DeliveryTag), Is.EqualTo(new ulong[] { 1, 2, 3 }));
    }

    [Test]
    public async Task Without_an_offset_a_consumer_gets_only_new_messages()
    {
        var (connection, stream) = await StreamWithAsync("old-1", "old-2");
        var consumer = await ConsumeStreamAsync(connection, stream, offset: null);

        await PublishConfirmedAsync(connection, stream, "new");
        var delivery = await consumer.NextAsync(Timeout);

        Assert.That((delivery.Text, Offset(delivery)), Is.EqualTo(("new", 2L)));
        Assert.That(await consumer.AnyWithinAsync(QuietPeriod), Is.False);
    }

    [Test]
    public async Task Next_gets_only_new_messages()
    {
        var (connection, stream) = await StreamWithAsync("old");
        var consumer = await ConsumeStreamAsync(connection, stream, "next");

        await PublishConfirmedAsync(connection, stream, "new");

        Assert.That((await consumer.NextAsync(Timeout)).Text, Is.EqualTo("new"));
    }

    [Test]
    public async Task Last_starts_at_the_last_chunk_which_a_confirmed_publish_ends()
    {
        var (connection, stream) = await StreamWithAsync("a", "b", "c");

        var consumer = await ConsumeStreamAsync(connection, stream, "last");

        Assert.That((await consumer.NextAsync(Timeout)).Text, Is.EqualTo("c"));
        Assert.That(await consumer.AnyWithinAsync(QuietPeriod), Is.False);
    }

    [TestCase(2L, new[] { "c", "d" })]
    [TestCase(2, new[] { "c", "d" })]
    [TestCase(0L, new[] { "a", "b", "c", "d" })]
    [TestCase(-1L, new[] { "a", "b", "c", "d" })]
    public async Task A_numeric_offset_starts_there(object offset, string[] expected)
    {
        var (connection, stream) = await StreamWithAsync("a", "b", "c", "d");

        var consumer = await ConsumeStreamAsync(connection, stream, offset);

        Assert.That((await consumer.TakeAsync(expected.Length, Timeout)).Select(d => d.Text), Is.EqualTo(expected));
        Assert.That(await consumer.AnyWithinAsync(QuietPeriod), Is.False);
    }

    [Test]
    public async Task An_offset_beyond_the_end_waits_until_the_stream_reaches_it()
    {
        var (connection, stream) = await StreamWithAsync("a");
        var consumer = await ConsumeStreamAsync(connection, stream, 2L);

        await PublishConfirmedAsync(connection, stream, "b");
        await PublishConfirmedAsync(connection, stream, "c");

        Assert.That((await consumer.NextAsync(Timeout)).Text, Is.EqualTo("c"));
        Assert.That(await consumer.AnyWithinAsync(QuietPeriod), Is.False);
    }

    [TestCase(-3600, 2)]
    [TestCase(3600, 0)]
    public async Task A_timestamp_starts_at_the_first_message_appended_from_then(int secondsFromNow, int expected)
    {
        var (connection, stream) = await StreamWithAsync("a", "b");
        var from = new AmqpTimestamp(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + secondsFromNow);

        var consumer = await ConsumeStreamAsync(connection, stream, from);

        Assert.That((await consumer.TakeUpToAsync(3, QuietPeriod)).Count, Is.EqualTo(expected));
    }

    [TestCase("1h")]
    [TestCase("30m")]
    [TestCase("1D")]
    public async Task An_interval_starts_that_long_ago(string interval)
    {
        var (connection, stream) = await StreamWithAsync("a", "b");

        var consumer = await ConsumeStreamAsync(connection, stream, interval);

        Assert.That((await consumer.TakeAsync(2, Timeout)).Select(d => d.Text), Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public async Task The_prefetch_bounds_what_is_outstanding_and_an_ack_gives_credit_back()
    {
        var (connection, stream) = await StreamWithAsync("a", "b", "c", "d");
        var (consumer, channel, _) = await ConsumeOnNewChannelAsync(connection, stream, prefetch: 2, Args(("x-stream-offset", "first")));

        var firstTwo = await consumer.TakeAsync(2, Timeout);
        var more = await consumer.AnyWithinAsync(QuietPeriod);
        await channel.BasicAckAsync(firstTwo[1].DeliveryTag, multiple: true);

        Assert.That(more, Is.False);
        Assert.That((await consumer.TakeAsync(2, Timeout)).Select(d => d.Text), Is.EqualTo(new[] { "c", "d" }));
    }

    [Test]
    public async Task Acks_remove_nothing_and_consumers_read_independently()
    {
        var (connection, stream) = await StreamWithAsync("a", "b", "c");
        var (first, channel, _) = await ConsumeOnNewChannelAsync(connection, stream, prefetch: 10, Args(("x-stream-offset", "first")));
        var read = await first.TakeAsync(3, Timeout);
        await channel.BasicAckAsync(read[^1].DeliveryTag, multiple: true);

        var second = await ConsumeStreamAsync(connection, stream, "first");
        await PublishConfirmedAsync(connection, stream, "d");

        Assert.That((await second.TakeAsync(4, Timeout)).Select(d => d.Text), Is.EqualTo(new[] { "a", "b", "c", "d" }));
        Assert.That((await first.NextAsync(Timeout)).Text, Is.EqualTo("d"));
        Assert.That(await EventuallyAsync(async () => (await channel.QueueDeclarePassiveAsync(stream)).MessageCount == 4), Is.True);
    }

    [Test]
    public async Task A_filter_is_ignored_before_3_13_and_skips_other_chunks_from_3_13()
    {
        // Stream filtering came with 3.13 (release-notes/3.13.0.md, #8207; StreamFilteringTests): RabbitMQ 3.10.8 takes the
        // argument and delivers everything. Each message is confirmed alone, so each is a chunk of its own.
        var (connection, stream) = await StreamWithAsync();
        await PublishConfirmedAsync(connection, stream, "red", new Dictionary<string, object?> { ["x-stream-filter-value"] = "red" });
        await PublishConfirmedAsync(connection, stream, "plain");
        await PublishConfirmedAsync(connection, stream, "blue", new Dictionary<string, object?> { ["x-stream-filter-value"] = "blue" });

        var consumer = await ConsumeStreamAsync(connection, stream, "first", ("x-stream-filter", "blue"));

        string[] expected = Profile.StreamFiltering ? ["blue"] : ["red", "plain", "blue"];
        Assert.That((await consumer.TakeAsync(expected.Length, Timeout)).Select(d => d.Text), Is.EqualTo(expected));
    }

    [Test]
    public async Task Deleting_the_stream_cancels_its_consumers()
    {
        var (connection, stream) = await StreamWithAsync("a");
        var consumer = await ConsumeStreamAsync(connection, stream, "first");
        await consumer.NextAsync(Timeout);

        await using var other = await connection.CreateChannelAsync();
        await other.QueueDeleteAsync(stream);

        Assert.That(await consumer.ServerCancelled.WaitAsync(Timeout), Is.Not.Empty);
    }
}
