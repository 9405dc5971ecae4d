namespace AmqpBroker.InteropTests.Amqp.Queues;

/// <summary>
/// queue.declare: server-named queues, reserved names, passive declares, declare-ok counts, argument
/// equivalence on redeclare and the blank name for the channel's last declared queue.
/// </summary>
public sealed class QueueDeclareTests : BrokerTestBase
{
    [Test]
    public async Task A_server_named_queue_gets_a_fresh_amq_gen_name()
    {
        var channel = await OpenConfirmChannelAsync();

        var first = await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true);
        var second = await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true);
        Track(first.QueueName);
        Track(second.QueueName);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.QueueName, Does.Match("^amq\\.gen-[A-Za-z0-9_-]{22}$"));
            Assert.That(second.QueueName, Does.StartWith("amq.gen-").And.Not.EqualTo(first.QueueName));
            Assert.That((first.MessageCount, first.ConsumerCount), Is.EqualTo((0u, 0u)));
        }

        await PublishConfirmedAsync(channel, string.Empty, first.QueueName, "m");
        Assert.That(await channel.MessageCountAsync(first.QueueName), Is.EqualTo(1u));
    }

    [Test]
    public async Task Declaring_a_queue_with_the_amq_prefix_is_refused()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var queue = "amq." + UniqueName();

        await ExpectClosedAsync(() => channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false), 403, $"ACCESS_REFUSED - queue name '{queue}' contains reserved prefix 'amq.*'");

        Assert.That(await QueueExistsAsync(connection, queue), Is.False);
    }

    [Test]
    public async Task A_server_named_queue_can_be_declared_passively_but_not_redeclared_by_name()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var ok = await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: false);
        var queue = Track(ok.QueueName);

        var passive = await channel.QueueDeclarePassiveAsync(queue);
        Assert.That(passive.QueueName, Is.EqualTo(queue));

        // The reserved prefix is checked before RabbitMQ looks the queue up.
        await ExpectClosedAsync(() => channel.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: false), 403, $"ACCESS_REFUSED - queue name '{queue}' contains reserved prefix 'amq.*'");
    }

    [Test]
    public async Task Passive_declare_of_a_missing_queue_is_404()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var queue = UniqueName("missing");

        await ExpectClosedAsync(() => channel.QueueDeclarePassiveAsync(queue), 404, $"NOT_FOUND - no queue '{queue}' {InDefaultVhost}");
        Assert.That(connection.IsOpen, Is.True);
    }

    [Test]
    public async Task Declare_ok_counts_ready_messages_and_consumers()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions);
        for (var i = 0; i < 3; i++)
        {
            await PublishConfirmedAsync(channel, string.Empty, queue, $"m{i}");
        }

        var consumerChannel = await OpenChannelAsync();
        await consumerChannel.BasicQosAsync(0, 1, false);
        var consumer = await ConsumeAsync(consumerChannel, queue);
        await consumer.NextAsync(Timeout);

        var passive = await channel.QueueDeclarePassiveAsync(queue);
        var active = await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((passive.QueueName, passive.MessageCount, passive.ConsumerCount), Is.EqualTo((queue, 2u, 1u)), "passive: the unacked message is not counted");
            Assert.That((active.QueueName, active.MessageCount, active.ConsumerCount), Is.EqualTo((queue, 2u, 1u)));
            Assert.That(await channel.ConsumerCountAsync(queue), Is.EqualTo(1u));
        }
    }

    [TestCase("durable", true, false, "received 'true' but current is 'false'")]
    [TestCase("auto_delete", false, false, "received 'false' but current is 'true'")]
    public async Task Redeclaring_with_other_flags_fails(string field, bool durable, bool autoDelete, string detail)
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var queue = Track(UniqueName());
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: field == "auto_delete");

        await ExpectClosedAsync(() => channel.QueueDeclareAsync(queue, durable, exclusive: false, autoDelete), 406, $"PRECONDITION_FAILED - inequivalent arg '{field}' for queue '{queue}' {InDefaultVhost}: {detail}");

        Assert.That(await QueueExistsAsync(connection, queue), Is.True);
    }

    private static IEnumerable<TestCaseData> InequivalentArguments()
    {
        static Dictionary<string, object?> Args(string key, object? value) => new() { [key] = value };

        yield return new TestCaseData(Args("x-message-ttl", 1000), Args("x-message-ttl", 2000), "x-message-ttl", "received '2000' but current is '1000'")
            .SetName("Redeclare_with_another_x_message_ttl");
        yield return new TestCaseData(Args("x-message-ttl", 1000), null, "x-message-ttl", "received none but current is the value '1000' of type 'signedint'")
            .SetName("Redeclare_without_x_message_ttl");
        yield return new TestCaseData(null, Args("x-message-ttl", 1000L), "x-message-ttl", "received the value '1000' of type 'long' but current is none")
            .SetName("Redeclare_adding_x_message_ttl");
        yield return new TestCaseData(Args("x-max-length", 10), Args("x-max-length", "10"), "x-max-length", "received '10' but current is '10'")
            .SetName("Redeclare_with_x_max_length_as_a_string");
        yield return new TestCaseData(Args("x-dead-letter-exchange", "a"), Args("x-dead-letter-exchange", "b"), "x-dead-letter-exchange", "received 'b' but current is 'a'")
            .SetName("Redeclare_with_another_dead_letter_exchange");
        yield return new TestCaseData(Args("x-overflow", "drop-head"), Args("x-overflow", "reject-publish"), "x-overflow", "received 'reject-publish' but current is 'drop-head'")
            .SetName("Redeclare_with_another_overflow");
        yield return new TestCaseData(Args("x-max-priority", 5), Args("x-max-priority", 10), "x-max-priority", "received '10' but current is '5'")
            .SetName("Redeclare_with_another_max_priority");
        yield return new TestCaseData(Args("x-expires", 60000), Args("x-expires", 30000), "x-expires", "received '30000' but current is '60000'")
            .SetName("Redeclare_with_another_expires");
    }

    [TestCaseSource(nameof(InequivalentArguments))]
    public async Task Redeclaring_with_an_inequivalent_argument_fails(
        Dictionary<string, object?>? original, Dictionary<string, object?>? redeclared, string key, string detail)
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var queue = Track(UniqueName());
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false, arguments: original);

        await ExpectClosedAsync(() => channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false, arguments: redeclared), 406, $"PRECONDITION_FAILED - inequivalent arg '{key}' for queue '{queue}' {InDefaultVhost}: {detail}");
    }

    [Test]
    public async Task Arguments_that_are_equivalent_or_not_interpreted_may_differ_on_redeclare()
    {
        var channel = await OpenChannelAsync();
        var queue = Track(UniqueName());
        await channel.QueueDeclareAsync(queue, false, false, false, new Dictionary<string, object?>
        {
            ["x-max-length"] = 10,
            ["x-message-ttl"] = 60000,
            ["custom"] = "one",
            ["x-unknown"] = 1,
        });

        // Integer widths are equivalent; arguments RabbitMQ does not interpret are not compared.
        var ok = await channel.QueueDeclareAsync(queue, false, false, false, new Dictionary<string, object?>
        {
            ["x-max-length"] = 10L,
            ["x-message-ttl"] = 60000L,
            ["custom"] = "two",
            ["other"] = true,
        });

        Assert.That(ok.QueueName, Is.EqualTo(queue));
    }

    [Test]
    public async Task A_blank_queue_name_means_the_queue_last_declared_on_the_channel()
    {
        var channel = await OpenConfirmChannelAsync();
        var exchange = await DeclareExchangeAsync(channel, "fanout");
        var ok = await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: false);
        Track(ok.QueueName);

        await channel.QueueBindAsync(string.Empty, exchange, string.Empty);
        await PublishConfirmedAsync(channel, exchange, string.Empty, "m1");
        await PublishConfirmedAsync(channel, exchange, string.Empty, "m2");
        Assert.That(await channel.MessageCountAsync(ok.QueueName), Is.EqualTo(2u));

        Assert.That(await channel.QueuePurgeAsync(string.Empty), Is.EqualTo(2u));
        await PublishConfirmedAsync(channel, exchange, string.Empty, "m3");
        Assert.That(await channel.QueueDeleteAsync(string.Empty), Is.EqualTo(1u));
        Assert.That(await QueueExistsAsync(await ConnectAsync(), ok.QueueName), Is.False);
    }
}
