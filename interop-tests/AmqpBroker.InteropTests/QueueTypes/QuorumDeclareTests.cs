namespace AmqpBroker.InteropTests.QueueTypes;

/// <summary>
/// Declaring quorum queues (x-queue-type quorum): RabbitMQ 3.10.8's rules and texts, checked against it —
/// durable only, never exclusive, auto-delete or server-named; other types' arguments refused naming
/// rabbit_quorum_queue, the quorum ones validated; redeclarations compared on the quorum arguments.
/// </summary>
public sealed class QuorumDeclareTests : QueueTypeTestBase
{
    [TestCase(false, false, false, "non-durable")]
    [TestCase(true, true, false, "exclusive-owner")]
    [TestCase(true, false, true, "auto-delete")]
    [TestCase(false, true, true, "auto-delete")]
    [TestCase(false, true, false, "exclusive-owner")]
    public async Task Only_durable_shared_queues_that_stay_are_allowed(bool durable, bool exclusive, bool autoDelete, string property)
    {
        var channel = await OpenChannelAsync();
        var name = ShortName("qq");

        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(name, durable, exclusive, autoDelete, Args(("x-queue-type", "quorum"))),
            406,
            $"PRECONDITION_FAILED - invalid property '{property}' for queue '{name}' {InDefaultVhost}");
    }

    [Test]
    public async Task A_server_named_quorum_queue_is_refused()
    {
        var channel = await OpenChannelAsync();

        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(string.Empty, true, false, false, Args(("x-queue-type", "quorum"))),
            406,
            "PRECONDITION_FAILED - Cannot declare a server-named queue for type rabbit_quorum_queue");
    }

    [TestCase("x-max-priority", 5)]
    [TestCase("x-queue-mode", "lazy")]
    [TestCase("x-queue-version", 2)]
    [TestCase("x-max-age", "1h")]
    [TestCase("x-stream-max-segment-size-bytes", 1000)]
    [TestCase("x-initial-cluster-size", 1)]
    [TestCase("x-queue-master-locator", "min-masters")]
    public async Task Arguments_of_other_types_are_refused_naming_the_quorum_type(string argument, object value)
    {
        var channel = await OpenChannelAsync();
        var name = ShortName("qq");

        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(name, true, false, false, Args((argument, value), ("x-queue-type", "quorum"))),
            406,
            $"PRECONDITION_FAILED - invalid arg '{argument}' for queue '{name}' {InDefaultVhost} of queue type rabbit_quorum_queue");
    }

    [TestCase("x-overflow", "bogus", "invalid_overflow")]
    [TestCase("x-dead-letter-strategy", "bogus", "invalid_dlx_strategy")]
    [TestCase("x-queue-leader-locator", "bogus", "invalid_queue_locator_arg")]
    [TestCase("x-quorum-initial-group-size", 0, "{value_zero,0}")]
    [TestCase("x-message-ttl", -1, "{value_negative,-1}")]
    [TestCase("x-max-length", -1, "{value_negative,-1}")]
    public async Task Quorum_arguments_are_validated(string argument, object value, string error)
    {
        var channel = await OpenChannelAsync();
        var name = ShortName("qq");

        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(name, true, false, false, Args((argument, value), ("x-queue-type", "quorum"))),
            406,
            $"PRECONDITION_FAILED - invalid arg '{argument}' for queue '{name}' {InDefaultVhost}: {error}");
    }

    [Test]
    public async Task A_value_validator_runs_before_the_check_for_other_types_arguments()
    {
        var channel = await OpenChannelAsync();
        var name = ShortName("qq");

        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(name, true, false, false, Args(("x-max-priority", 3), ("x-queue-type", "quorum"), ("x-message-ttl", -1))),
            406,
            $"PRECONDITION_FAILED - invalid arg 'x-message-ttl' for queue '{name}' {InDefaultVhost}: {{value_negative,-1}}");
    }

    [Test]
    public async Task The_quorum_arguments_a_single_node_ignores_are_accepted()
    {
        var channel = await OpenChannelAsync();

        var queue = await DeclareQuorumAsync(
            channel,
            ("x-quorum-initial-group-size", 3),
            ("x-queue-leader-locator", "balanced"),
            ("x-max-in-memory-length", 10),
            ("x-max-in-memory-bytes", 1000),
            ("x-quorum-target-group-size", 3),
            ("x-foo-unknown", 1));

        Assert.That(await QueueExistsAsync(await ConnectAsync(), queue), Is.True);
    }

    [Test]
    public async Task A_redeclaration_without_the_type_is_not_equivalent()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQuorumAsync(channel);

        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(queue, true, false, false, Args()),
            406,
            TypeInequivalence(queue, received: null, current: "quorum"));
    }

    [TestCase("classic")]
    [TestCase("stream")]
    public async Task A_redeclaration_as_another_type_is_not_equivalent(string type)
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQuorumAsync(channel);

        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(queue, true, false, false, Args(("x-queue-type", type))),
            406,
            TypeInequivalence(queue, received: type, current: "quorum"));
    }

    [Test]
    public async Task A_classic_queue_redeclared_as_quorum_is_not_equivalent()
    {
        var channel = await OpenChannelAsync();
        var queue = ShortName("cq");
        await channel.QueueDeclareAsync(queue, true, false, false);

        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(queue, true, false, false, Args(("x-queue-type", "quorum"))),
            406,
            TypeInequivalence(queue, received: "quorum", current: null));
    }

    [Test]
    public async Task A_redeclaration_compares_only_the_quorum_arguments()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQuorumAsync(channel, ("x-delivery-limit", 3));

        var ok = await channel.QueueDeclareAsync(queue, true, false, false, Args(("x-delivery-limit", 3), ("x-max-priority", 5), ("x-foo", 1), ("x-queue-type", "quorum")));
        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(queue, true, false, false, Args(("x-delivery-limit", 5), ("x-queue-type", "quorum"))),
            406,
            $"PRECONDITION_FAILED - inequivalent arg 'x-delivery-limit' for queue '{queue}' {InDefaultVhost}: received '5' but current is '3'");

        Assert.That(ok.QueueName, Is.EqualTo(queue));
    }

    [Test]
    public async Task A_non_durable_redeclaration_is_not_equivalent()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQuorumAsync(channel);

        await ExpectClosedAsync(
            () => channel.QueueDeclareAsync(queue, false, false, false, Args(("x-queue-type", "quorum"))),
            406,
            $"PRECONDITION_FAILED - inequivalent arg 'durable' for queue '{queue}' {InDefaultVhost}: received 'false' but current is 'true'");
    }

    [Test]
    public async Task A_passive_declaration_answers_with_the_counts()
    {
        var (channel, queue) = await OpenChannelWithQuorumAsync();
        await PublishAsync(channel, queue, "a", "b");

        var ok = await channel.QueueDeclarePassiveAsync(queue);

        Assert.That(ok.MessageCount, Is.EqualTo(2));
    }
}
