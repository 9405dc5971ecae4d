namespace AmqpBroker.InteropTests.QueueTypes;

/// <summary>
/// Stream behaviour that came with RabbitMQ 3.13, on the in-process broker behaving as the release (the RabbitMQ on
/// this machine is 3.10, so these run in-process only): stream filtering (release-notes/3.13.0.md, Stream Plugin
/// enhancements, #8207; from 4.0 its arguments are the stream's own consumer arguments), nack and reject settling.
/// Filtering takes or skips whole chunks (https://www.rabbitmq.com/docs/stream-filtering, "Stage 1: Bloom Filter":
/// every message of a chunk that may match is delivered, and the client filters on x-stream-filter-value itself); the
/// filtered streams here publish and confirm each message on its own, a chunk of its own each, so what a filter
/// delivers is exact. Each test names the source it expects.
/// </summary>
[Releases("3.13", "4.0")]
public sealed class StreamFilteringTests : StreamTestBase
{
    [Test]
    public async Task A_filter_delivers_the_messages_with_its_value()
    {
        // rabbit_stream_queue:filter_spec at v3.13.0: x-stream-filter as a longstr
        var (connection, stream) = await FilteredStreamAsync();

        var consumer = await ConsumeStreamAsync(connection, stream, "first", ("x-stream-filter", "red"));

        Assert.That((await consumer.TakeUpToAsync(5, QuietPeriod)).Select(d => d.Text), Is.EqualTo(new[] { "red-1", "red-2" }));
    }

    [Test]
    public async Task A_filter_list_takes_every_value_and_ignores_items_that_are_not_strings()
    {
        // rabbit_stream_queue:filter_spec at v3.13.0: an array keeps only its longstr items
        var (connection, stream) = await FilteredStreamAsync();

        var consumer = await ConsumeStreamAsync(connection, stream, "first", ("x-stream-filter", new List<object?> { "red", "blue", 5 }));

        Assert.That((await consumer.TakeUpToAsync(5, QuietPeriod)).Select(d => d.Text), Is.EqualTo(new[] { "red-1", "blue", "red-2" }));
    }

    [Test]
    public async Task Match_unfiltered_adds_the_messages_without_a_value()
    {
        // rabbit_stream_queue:filter_spec at v3.13.0: x-stream-match-unfiltered (bool), only with a filter
        var (connection, stream) = await FilteredStreamAsync();

        var consumer = await ConsumeStreamAsync(connection, stream, "first", ("x-stream-filter", "red"), ("x-stream-match-unfiltered", true));

        Assert.That((await consumer.TakeUpToAsync(5, QuietPeriod)).Select(d => d.Text), Is.EqualTo(new[] { "red-1", "plain", "red-2" }));
    }

    [Test]
    public async Task A_filter_takes_whole_chunks_and_skips_those_without_its_value()
    {
        // https://www.rabbitmq.com/docs/stream-filtering, "Stage 1: Bloom Filter": a chunk without the value is skipped,
        // one with it is delivered whole (other values included), so the client filters on x-stream-filter-value
        var (connection, stream) = await StreamWithAsync();
        await PublishConfirmedAsync(connection, stream, "blue-before", FilterValue("blue"));
        await PublishBurstAsync(connection, stream, Enumerable.Range(0, 200).Select(i => ($"{i}", (string?)(i % 2 == 0 ? "red" : "blue"))));
        await PublishConfirmedAsync(connection, stream, "blue-after", FilterValue("blue"));

        var (consumer, _, _) = await ConsumeOnNewChannelAsync(connection, stream, prefetch: 1000, Args(("x-stream-offset", "first"), ("x-stream-filter", "red")));
        var deliveries = new List<Delivery>();
        while (deliveries.Count == 0 || deliveries[^1].Text != "198")
        {
            deliveries.Add(await consumer.NextAsync(Timeout));
        }

        deliveries.AddRange(await consumer.TakeUpToAsync(200, QuietPeriod));

        var red = deliveries.Where(d => d.Properties.Headers!["x-stream-filter-value"] is byte[] value && Encoding.UTF8.GetString(value) == "red");
        Assert.That(red.Select(d => d.Text), Is.EqualTo(Enumerable.Range(0, 100).Select(i => $"{2 * i}")));
        Assert.That(deliveries.Select(d => d.Text), Has.None.StartsWith("blue-"), "the chunks of the blue messages confirmed on their own");
    }

    [Test]
    public async Task Nack_and_reject_settle_like_an_ack()
    {
        // 3.13.0, commit d6900be8a0 "Stream queue: treat discard and return like settle" (rabbit_stream_queue:settle)
        var (connection, stream) = await StreamWithAsync("a", "b", "c");
        var (consumer, channel, _) = await ConsumeOnNewChannelAsync(connection, stream, prefetch: 1, Args(("x-stream-offset", "first")));

        await channel.BasicNackAsync((await consumer.NextAsync(Timeout)).DeliveryTag, false, requeue: true);
        await channel.BasicRejectAsync((await consumer.NextAsync(Timeout)).DeliveryTag, requeue: false);
        var third = await consumer.NextAsync(Timeout);

        Assert.That((third.Text, third.Redelivered, channel.IsOpen), Is.EqualTo(("c", false, true)));
    }

    [TestCase(8)]
    [TestCase(256)]
    [TestCase("big")]
    public async Task The_filter_size_must_be_16_to_255_bytes(object size)
    {
        // rabbit_stream_queue:check_filter_size at v3.13.0 (the double space is RabbitMQ's)
        var channel = await OpenChannelAsync();

        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(ShortName("sq"), true, false, false, Args(("x-stream-filter-size-bytes", size), ("x-queue-type", "stream"))),
            406,
            "PRECONDITION_FAILED - Invalid value for  x-stream-filter-size-bytes");
    }

    [Test]
    public async Task A_filter_size_in_range_is_accepted()
    {
        var channel = await OpenChannelAsync();

        var stream = await DeclareStreamAsync(channel, ("x-stream-filter-size-bytes", 32));

        Assert.That(await QueueExistsAsync(await ConnectAsync(), stream), Is.True);
    }

    private static Dictionary<string, object?> FilterValue(string value) => new() { ["x-stream-filter-value"] = value };

    private async Task<(IConnection Connection, string Stream)> FilteredStreamAsync()
    {
        var (connection, stream) = await StreamWithAsync();
        await PublishConfirmedAsync(connection, stream, "red-1", FilterValue("red"));
        await PublishConfirmedAsync(connection, stream, "blue", FilterValue("blue"));
        await PublishConfirmedAsync(connection, stream, "plain");
        await PublishConfirmedAsync(connection, stream, "green", FilterValue("green"));
        await PublishConfirmedAsync(connection, stream, "red-2", FilterValue("red"));
        return (connection, stream);
    }
}
