namespace AmqpBroker.InteropTests.QueueTypes;

/// <summary>
/// The declaration rules quorum queues and streams share, once per type: RabbitMQ 3.10.8's rules and texts, checked
/// against it — durable only, never exclusive, auto-delete or server-named; other types' arguments refused naming the
/// type's module (rabbit_quorum_queue, rabbit_stream_queue), the type's own validated; a redeclaration without the type
/// or as another type not equivalent, and one that differs only in other types' or unknown arguments equivalent. What
/// only one of them has is in QuorumDeclareTests and StreamDeclareTests.
/// </summary>
public sealed class QueueTypeDeclareTests : QueueTypeTestBase
{
    [TestCase("quorum", false, false, false, "non-durable")]
    [TestCase("quorum", true, true, false, "exclusive-owner")]
    [TestCase("quorum", true, false, true, "auto-delete")]
    [TestCase("quorum", false, true, true, "auto-delete")]
    [TestCase("quorum", false, true, false, "exclusive-owner")]
    [TestCase("stream", false, false, false, "non-durable")]
    [TestCase("stream", true, true, false, "exclusive-owner")]
    [TestCase("stream", true, false, true, "auto-delete")]
    public Task Only_durable_shared_queues_that_stay_are_allowed(string type, bool durable, bool exclusive, bool autoDelete, string property) =>
        ExpectRefusedAsync(
            type,
            name => $"PRECONDITION_FAILED - invalid property '{property}' for queue '{name}' {InDefaultVhost}",
            [],
            durable,
            exclusive,
            autoDelete);

    [TestCase("quorum")]
    [TestCase("stream")]
    public async Task A_server_named_queue_is_refused(string type)
    {
        var channel = await OpenChannelAsync();

        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(string.Empty, true, false, false, Args(("x-queue-type", type))),
            406,
            $"PRECONDITION_FAILED - Cannot declare a server-named queue for type rabbit_{type}_queue");
    }

    [TestCase("quorum", "x-max-priority", 5)]
    [TestCase("quorum", "x-queue-mode", "lazy")]
    [TestCase("quorum", "x-queue-version", 2)]
    [TestCase("quorum", "x-max-age", "1h")]
    [TestCase("quorum", "x-stream-max-segment-size-bytes", 1000)]
    [TestCase("quorum", "x-initial-cluster-size", 1)]
    [TestCase("quorum", "x-queue-master-locator", "min-masters")]
    [TestCase("stream", "x-max-length", 10)]
    [TestCase("stream", "x-message-ttl", 1000)]
    [TestCase("stream", "x-expires", 1000)]
    [TestCase("stream", "x-max-priority", 5)]
    [TestCase("stream", "x-overflow", "drop-head")]
    [TestCase("stream", "x-dead-letter-exchange", "dlx")]
    [TestCase("stream", "x-single-active-consumer", true)]
    [TestCase("stream", "x-delivery-limit", 3)]
    [TestCase("stream", "x-queue-mode", "lazy")]
    [TestCase("stream", "x-quorum-initial-group-size", 1)]
    [TestCase("stream", "x-max-in-memory-length", 10)]
    public Task Arguments_of_other_types_are_refused_naming_the_type(string type, string argument, object value) =>
        ExpectRefusedAsync(
            type,
            name => $"PRECONDITION_FAILED - invalid arg '{argument}' for queue '{name}' {InDefaultVhost} of queue type rabbit_{type}_queue",
            [(argument, value)]);

    [TestCase("quorum", "x-overflow", "bogus", "invalid_overflow")]
    [TestCase("quorum", "x-dead-letter-strategy", "bogus", "invalid_dlx_strategy")]
    [TestCase("quorum", "x-queue-leader-locator", "bogus", "invalid_queue_locator_arg")]
    [TestCase("quorum", "x-quorum-initial-group-size", 0, "{value_zero,0}")]
    [TestCase("quorum", "x-message-ttl", -1, "{value_negative,-1}")]
    [TestCase("quorum", "x-max-length", -1, "{value_negative,-1}")]
    [TestCase("stream", "x-max-age", "1h30m", "invalid_max_age")]
    [TestCase("stream", "x-max-age", "10x", "invalid_max_age")]
    [TestCase("stream", "x-max-age", 10, "{unacceptable_type,signedint}")]
    [TestCase("stream", "x-max-length-bytes", -1, "{value_negative,-1}")]
    [TestCase("stream", "x-stream-max-segment-size-bytes", -1, "{value_negative,-1}")]
    [TestCase("stream", "x-initial-cluster-size", 0, "{value_zero,0}")]
    [TestCase("stream", "x-queue-leader-locator", "bogus", "invalid_queue_locator_arg")]
    public Task The_types_own_arguments_are_validated(string type, string argument, object value, string error) =>
        ExpectRefusedAsync(
            type,
            name => $"PRECONDITION_FAILED - invalid arg '{argument}' for queue '{name}' {InDefaultVhost}: {error}",
            [(argument, value)]);

    [TestCase("quorum")]
    [TestCase("stream")]
    public async Task A_redeclaration_without_the_type_is_not_equivalent(string type)
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareTypedAsync(channel, type);

        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(queue, true, false, false, Args()),
            406,
            TypeInequivalence(queue, received: null, current: type));
    }

    [TestCase("quorum", "classic")]
    [TestCase("quorum", "stream")]
    [TestCase("stream", "classic")]
    [TestCase("stream", "quorum")]
    public async Task A_redeclaration_as_another_type_is_not_equivalent(string type, string other)
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareTypedAsync(channel, type);

        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(queue, true, false, false, Args(("x-queue-type", other))),
            406,
            TypeInequivalence(queue, received: other, current: type));
    }

    [TestCase("quorum", "x-delivery-limit", 3, 5)]
    [TestCase("stream", "x-max-age", "1h", "2h")]
    public async Task A_redeclaration_compares_only_the_types_own_arguments(string type, string argument, object value, object other)
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareTypedAsync(channel, type, (argument, value));

        var ok = await channel.QueueDeclareAsync(queue, true, false, false, Args((argument, value), ("x-max-priority", 5), ("x-foo", 1), ("x-queue-type", type)));
        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(queue, true, false, false, Args((argument, other), ("x-queue-type", type))),
            406,
            $"PRECONDITION_FAILED - inequivalent arg '{argument}' for queue '{queue}' {InDefaultVhost}: received '{other}' but current is '{value}'");

        Assert.That(ok.QueueName, Is.EqualTo(queue));
    }

    /// <summary>
    /// Expects queue.declare of a new queue of <paramref name="type"/> with these arguments (durable, shared and staying
    /// unless told otherwise) to close the channel with 406 and the text <paramref name="reply"/> gives for its name.
    /// </summary>
    private async Task ExpectRefusedAsync(
        string type, Func<string, string> reply, (string Key, object? Value)[] arguments, bool durable = true, bool exclusive = false, bool autoDelete = false)
    {
        var channel = await OpenChannelAsync();
        var name = ShortName(type[..1] + "q");

        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(name, durable, exclusive, autoDelete, Args([.. arguments, ("x-queue-type", type)])),
            406,
            reply(name));
    }
}
