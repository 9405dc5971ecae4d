namespace AmqpBroker.InteropTests.QueueTypes;

/// <summary>
/// The consume refusals quorum queues and streams share, once per type: RabbitMQ 3.10.8's codes and texts, checked
/// against it — a channel-wide prefetch closes the connection with 540, and another type's consumer argument is refused
/// with 406 naming the type's module. What only streams refuse is in StreamRefusalTests.
/// </summary>
public sealed class QueueTypeConsumeTests : QueueTypeTestBase
{
    [TestCase("quorum")]
    [TestCase("stream")]
    public async Task A_channel_wide_prefetch_closes_the_connection_on_consume(string type)
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareTypedAsync(channel, type);
        await channel.BasicQosAsync(0, 10, global: false);
        await channel.BasicQosAsync(0, 10, global: true);

        await ExpectClosedAsync(
            () => channel.BasicConsumeAsync(queue, autoAck: false, new CollectingConsumer(channel)),
            540,
            $"NOT_IMPLEMENTED - queue '{queue}' {InDefaultVhost} does not support global qos");
    }

    [TestCase("quorum", "x-cancel-on-ha-failover", true)]
    [TestCase("quorum", "x-stream-offset", "first")]
    [TestCase("stream", "x-priority", 5)]
    public async Task Consumer_arguments_of_other_types_are_refused(string type, string argument, object value)
    {
        if (!Profile.LegacyConsumerArguments && argument == "x-cancel-on-ha-failover")
        {
            // Gone with classic queue mirroring in 4.0 (rabbit_classic_queue:capabilities at v4.0.1): no type has it, so it is ignored.
            var accepted = await OpenChannelAsync();
            await accepted.BasicConsumeAsync(await DeclareQuorumAsync(accepted), false, string.Empty, false, false, Args((argument, value)), new CollectingConsumer(accepted));
            return;
        }

        var channel = await OpenChannelAsync();
        var queue = await DeclareTypedAsync(channel, type);
        await channel.BasicQosAsync(0, 10, global: false);

        await ExpectClosedAsync(
            () => channel.BasicConsumeAsync(queue, false, string.Empty, false, false, Args((argument, value)), new CollectingConsumer(channel)),
            406,
            $"PRECONDITION_FAILED - invalid arg '{argument}' for queue '{queue}' {InDefaultVhost} of queue type rabbit_{type}_queue");
    }
}
