namespace AmqpBroker.InteropTests.QueueTypes;

/// <summary>
/// Declaring quorum queues (x-queue-type quorum): RabbitMQ 3.10.8's rules and texts, checked against it — a value
/// validated before other types' arguments are refused, the arguments a single node ignores accepted; a non-durable
/// redeclaration not equivalent. The rules streams share are QueueTypeDeclareTests'.
/// </summary>
public sealed class QuorumDeclareTests : QueueTypeTestBase
{
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
