namespace AmqpBroker.InteropTests.QueueTypes;

/// <summary>
/// Declaring streams (x-queue-type stream): RabbitMQ 3.10.8's rules and texts, checked against it — the limits of
/// RabbitMQ's max-age parser and segment size, every stream argument accepted and unknown ones ignored; the declare-ok
/// counting every message the stream holds. The rules quorum queues share are QueueTypeDeclareTests'.
/// </summary>
public sealed class StreamDeclareTests : QueueTypeTestBase
{
    [Test]
    public async Task A_max_age_without_leading_digits_crashes_RabbitMQs_parser_into_541()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();

        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(ShortName("sq"), true, false, false, Args(("x-max-age", "bogus"), ("x-queue-type", "stream"))),
            541,
            "INTERNAL_ERROR");
    }

    [Test]
    public async Task A_segment_size_over_RabbitMQs_ceiling_is_refused()
    {
        var channel = await OpenChannelAsync();

        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(ShortName("sq"), true, false, false, Args(("x-stream-max-segment-size-bytes", 3_000_000_001L), ("x-queue-type", "stream"))),
            406,
            "PRECONDITION_FAILED - Exceeded max value for x-stream-max-segment-size-bytes");
    }

    [Test]
    public async Task Every_stream_argument_is_accepted_and_unknown_ones_ignored()
    {
        var channel = await OpenChannelAsync();

        var stream = await DeclareStreamAsync(
            channel,
            ("x-max-length-bytes", 1_000_000L),
            ("x-max-age", "7D"),
            ("x-stream-max-segment-size-bytes", 100_000L),
            ("x-initial-cluster-size", 1),
            ("x-queue-leader-locator", "balanced"),
            ("x-foo-unknown", 1));

        Assert.That(await QueueExistsAsync(await ConnectAsync(), stream), Is.True);
    }

    [TestCase("1Y")]
    [TestCase("1M")]
    [TestCase("1m")]
    [TestCase("10s")]
    [TestCase("12h")]
    public async Task Max_age_takes_every_unit(string age)
    {
        var channel = await OpenChannelAsync();

        var stream = await DeclareStreamAsync(channel, ("x-max-age", age));

        Assert.That(await QueueExistsAsync(await ConnectAsync(), stream), Is.True);
    }

    [Test]
    public async Task The_declare_ok_counts_every_message_the_stream_holds()
    {
        var channel = await OpenConfirmChannelAsync();
        var stream = await DeclareStreamAsync(channel);
        await PublishAsync(channel, stream, "a", "b", "c");

        // RabbitMQ counts what its stream has committed, which trails the confirms a little.
        var passive = await EventuallyAsync(async () => (await channel.QueueDeclarePassiveAsync(stream)).MessageCount == 3);
        var again = await channel.QueueDeclareAsync(stream, true, false, false, Args(("x-queue-type", "stream")));

        Assert.That((passive, again.MessageCount), Is.EqualTo((true, 3u)));
    }
}
