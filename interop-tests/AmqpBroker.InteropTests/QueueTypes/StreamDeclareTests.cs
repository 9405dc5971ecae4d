namespace AmqpBroker.InteropTests.QueueTypes;

/// <summary>
/// Declaring streams (x-queue-type stream): RabbitMQ 3.10.8's rules and texts, checked against it — durable
/// only, never exclusive, auto-delete or server-named; the stream arguments validated, other types' refused
/// naming rabbit_stream_queue, unknown ones ignored; redeclarations compared on the stream arguments; the
/// declare-ok counting every message the stream holds.
/// </summary>
public sealed class StreamDeclareTests : QueueTypeTestBase
{
    [TestCase(false, false, false, "non-durable")]
    [TestCase(true, true, false, "exclusive-owner")]
    [TestCase(true, false, true, "auto-delete")]
    public async Task Only_durable_shared_streams_that_stay_are_allowed(bool durable, bool exclusive, bool autoDelete, string property)
    {
        var channel = await OpenChannelAsync();
        var name = ShortName("sq");

        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(name, durable, exclusive, autoDelete, Args(("x-queue-type", "stream"))),
            406,
            $"PRECONDITION_FAILED - invalid property '{property}' for queue '{name}' {InDefaultVhost}");
    }

    [Test]
    public async Task A_server_named_stream_is_refused()
    {
        var channel = await OpenChannelAsync();

        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(string.Empty, true, false, false, Args(("x-queue-type", "stream"))),
            406,
            "PRECONDITION_FAILED - Cannot declare a server-named queue for type rabbit_stream_queue");
    }

    [TestCase("x-max-length", 10)]
    [TestCase("x-message-ttl", 1000)]
    [TestCase("x-expires", 1000)]
    [TestCase("x-max-priority", 5)]
    [TestCase("x-overflow", "drop-head")]
    [TestCase("x-dead-letter-exchange", "dlx")]
    [TestCase("x-single-active-consumer", true)]
    [TestCase("x-delivery-limit", 3)]
    [TestCase("x-queue-mode", "lazy")]
    [TestCase("x-quorum-initial-group-size", 1)]
    [TestCase("x-max-in-memory-length", 10)]
    public async Task Arguments_of_other_types_are_refused_naming_the_stream_type(string argument, object value)
    {
        var channel = await OpenChannelAsync();
        var name = ShortName("sq");

        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(name, true, false, false, Args((argument, value), ("x-queue-type", "stream"))),
            406,
            $"PRECONDITION_FAILED - invalid arg '{argument}' for queue '{name}' {InDefaultVhost} of queue type rabbit_stream_queue");
    }

    [TestCase("x-max-age", "1h30m", "invalid_max_age")]
    [TestCase("x-max-age", "10x", "invalid_max_age")]
    [TestCase("x-max-age", 10, "{unacceptable_type,signedint}")]
    [TestCase("x-max-length-bytes", -1, "{value_negative,-1}")]
    [TestCase("x-stream-max-segment-size-bytes", -1, "{value_negative,-1}")]
    [TestCase("x-initial-cluster-size", 0, "{value_zero,0}")]
    [TestCase("x-queue-leader-locator", "bogus", "invalid_queue_locator_arg")]
    public async Task Stream_arguments_are_validated(string argument, object value, string error)
    {
        var channel = await OpenChannelAsync();
        var name = ShortName("sq");

        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(name, true, false, false, Args((argument, value), ("x-queue-type", "stream"))),
            406,
            $"PRECONDITION_FAILED - invalid arg '{argument}' for queue '{name}' {InDefaultVhost}: {error}");
    }

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
    public async Task A_redeclaration_without_the_type_is_not_equivalent()
    {
        var channel = await OpenChannelAsync();
        var stream = await DeclareStreamAsync(channel);

        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(stream, true, false, false, Args()),
            406,
            TypeInequivalence(stream, received: null, current: "stream"));
    }

    [TestCase("classic")]
    [TestCase("quorum")]
    public async Task A_redeclaration_as_another_type_is_not_equivalent(string type)
    {
        var channel = await OpenChannelAsync();
        var stream = await DeclareStreamAsync(channel);

        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(stream, true, false, false, Args(("x-queue-type", type))),
            406,
            $"PRECONDITION_FAILED - inequivalent arg 'x-queue-type' for queue '{stream}' {InDefaultVhost}: received '{type}' but current is 'stream'");
    }

    [Test]
    public async Task A_redeclaration_compares_only_the_stream_arguments()
    {
        var channel = await OpenChannelAsync();
        var stream = await DeclareStreamAsync(channel, ("x-max-age", "1h"));

        var ok = await channel.QueueDeclareAsync(stream, true, false, false, Args(("x-max-age", "1h"), ("x-foo", 1), ("x-queue-type", "stream")));
        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(stream, true, false, false, Args(("x-max-age", "2h"), ("x-queue-type", "stream"))),
            406,
            $"PRECONDITION_FAILED - inequivalent arg 'x-max-age' for queue '{stream}' {InDefaultVhost}: received '2h' but current is '1h'");

        Assert.That(ok.QueueName, Is.EqualTo(stream));
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
