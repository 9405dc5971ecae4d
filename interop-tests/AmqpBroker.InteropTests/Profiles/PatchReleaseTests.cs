namespace AmqpBroker.InteropTests.Profiles;

/// <summary>
/// AMQP-visible fixes of RabbitMQ's 4.2.x and 4.3.x patch releases, which the 4.2 (4.2.9) and 4.3 (4.3.5) profiles have
/// and 3.10 lacks (its expectations checked against RabbitMQ 3.10.8): bindings to direct reply-to addresses are refused
/// (release-notes/4.2.6.md, #15935; rabbit_channel:reject_volatile_queue_as_binding_target), consistent-hash binding
/// weights above 10,000 are refused (4.2.6.md, #16118), and the consumer timeout arguments are validated
/// (4.3.2.md, #16557; rabbit_amqqueue:declare_args/consume_args at v4.3.5). Passive declares' permissions are in
/// Security/PassiveDeclarePermissionTests.
/// </summary>
[Releases("3.10", "4.2", "4.3")]
public sealed class PatchReleaseTests : BrokerTestBase
{
    private const string DirectReplyRefusal = "ACCESS_REFUSED - cannot bind or unbind to a volatile (direct reply-to) queue";

    [Test]
    public async Task A_queue_bind_to_a_direct_reply_to_address_is_refused_from_4_2_6()
    {
        var channel = await OpenChannelAsync();
        var address = "amq.rabbitmq.reply-to." + Guid.NewGuid().ToString("N");

        // 3.10.8 looks the address up as a queue; 4.2.6+ refuses it before any other check.
        var (code, text) = Profile.DirectReplyToBindingsRefused ? ((ushort)403, DirectReplyRefusal) : ((ushort)404, $"NOT_FOUND - no queue '{address}' {InDefaultVhost}");
        await ExpectClosedAsync(() => channel.QueueBindAsync(address, "amq.direct", "k"), code, text);
    }

    [Test]
    public async Task A_queue_unbind_from_a_direct_reply_to_address_is_refused_from_4_2_6()
    {
        var channel = await OpenChannelAsync();
        var address = "amq.rabbitmq.reply-to." + Guid.NewGuid().ToString("N");

        // 3.10.8: unbinding what does not exist succeeds.
        await ExpectRefusedWhereAsync(Profile.DirectReplyToBindingsRefused, () => channel.QueueUnbindAsync(address, "amq.direct", "k"), 403, DirectReplyRefusal);
    }

    [Test]
    public async Task The_bare_pseudo_queue_name_is_no_direct_reply_to_address_and_is_looked_up_as_a_queue()
    {
        var channel = await OpenChannelAsync();

        // rabbit_volatile_queue:is/1 matches "amq.rabbitmq.reply-to." only (rabbit_direct_reply_to_prop_SUITE at v4.2.9).
        await ExpectClosedAsync(() => channel.QueueBindAsync("amq.rabbitmq.reply-to", "amq.direct", "k"), 404, $"NOT_FOUND - no queue 'amq.rabbitmq.reply-to' {InDefaultVhost}");
    }

    [Test]
    [OwnBrokerOnly("the RabbitMQ at AMQP_URI has no consistent-hash exchange plugin enabled")]
    public async Task A_consistent_hash_binding_weight_above_10000_is_refused_from_4_2_6()
    {
        var channel = await OpenChannelAsync();
        var exchange = TrackExchange(UniqueName("hash"));
        await channel.ExchangeDeclareAsync(exchange, "x-consistent-hash");
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, exchange, "10000");

        // rabbit_exchange_type_consistent_hash:validate_binding at v4.2.9: {binding_invalid, ...} is a 406.
        await ExpectRefusedWhereAsync(
            Profile.ConsistentHashMaxBindingWeight is not null, () => channel.QueueBindAsync(queue, exchange, "10001"), 406, "PRECONDITION_FAILED - The binding key must not exceed 10000");
    }

    [TestCase("x-consumer-timeout", -1L, "{value_negative,-1}")]
    [TestCase("x-consumer-disconnected-timeout", -1L, "{value_negative,-1}")]
    [TestCase("x-consumer-timeout", "never", "\"expected integer, got longstr\"")]
    public async Task A_quorum_queue_s_consumer_timeouts_are_validated_at_declare_from_4_3_2(string argument, object value, string error)
    {
        var channel = await OpenChannelAsync();
        var queue = ShortName("qq");
        var arguments = Args(("x-queue-type", "quorum"), (argument, value));

        // 3.10.8 knows neither argument and 4.2 does not validate them: quorum queues take them unchecked.
        await ExpectRefusedWhereAsync(
            Profile.ConsumerTimeoutArgumentsValidated,
            () => channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments),
            406,
            $"PRECONDITION_FAILED - invalid arg '{argument}' for queue '{queue}' {InDefaultVhost}: {error}");
    }

    [Test]
    public async Task A_quorum_consumer_s_x_consumer_timeout_is_validated_from_4_3_2()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareTypedAsync(channel, "quorum");
        var arguments = Args(("x-consumer-timeout", -1L));

        await ExpectRefusedWhereAsync(
            Profile.ConsumerTimeoutArgumentsValidated,
            () => channel.BasicConsumeAsync(queue, autoAck: false, "", noLocal: false, exclusive: false, arguments, new AsyncEventingBasicConsumer(channel)),
            406,
            $"PRECONDITION_FAILED - invalid arg 'x-consumer-timeout' for queue '{queue}' {InDefaultVhost}: {{value_negative,-1}}");
    }

    [Test]
    public async Task From_4_3_2_a_classic_queue_refuses_x_consumer_timeout_which_quorum_queues_now_list()
    {
        var channel = await OpenChannelAsync();
        var queue = ShortName("cq");
        var arguments = Args(("x-consumer-timeout", 60_000L));

        // rabbit_amqqueue:check_arguments_key at v4.3.5: an argument another queue type lists.
        await ExpectRefusedWhereAsync(
            Profile.ConsumerTimeoutArgumentsValidated,
            () => channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments),
            406,
            $"PRECONDITION_FAILED - invalid arg 'x-consumer-timeout' for queue '{queue}' {InDefaultVhost} of queue type rabbit_classic_queue");
    }

    /// <summary>Where <paramref name="refused"/>, expects the channel closed with <paramref name="code"/> and <paramref name="text"/>; else that the operation succeeds.</summary>
    private static async Task ExpectRefusedWhereAsync(bool refused, Func<Task> operation, ushort code, string text)
    {
        if (refused)
        {
            await ExpectClosedAsync(operation, code, text);
        }
        else
        {
            await operation();
        }
    }
}
