using System.Text;
using AmqpBroker.InteropTests.Support;

namespace AmqpBroker.InteropTests;

/// <summary>
/// queue.declare/delete/purge/bind/unbind: server-named queues, declare-ok counts, argument equivalence,
/// exclusive and auto-delete queues, with RabbitMQ 3.10's reply codes and texts.
/// </summary>
[TestFixture]
public sealed class QueueTests : BrokerTestBase
{
    private const string VHost = "in vhost '/'";

    // ---------------------------------------------------------------- declare

    [Test]
    public async Task A_server_named_queue_gets_a_fresh_amq_gen_name()
    {
        var channel = await ConfirmChannelAsync();

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
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = "amq." + UniqueName();

        var reason = await ExpectOperationInterruptedAsync(() => channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(403));
            Assert.That(reason.ReplyText, Is.EqualTo($"ACCESS_REFUSED - queue name '{queue}' contains reserved prefix 'amq.*'"));
        }

        Assert.That(await QueueExistsAsync(connection, queue), Is.False);
    }

    [Test]
    public async Task A_server_named_queue_can_be_declared_passively_but_not_redeclared_by_name()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var ok = await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: false);
        var queue = Track(ok.QueueName);

        var passive = await channel.QueueDeclarePassiveAsync(queue);
        Assert.That(passive.QueueName, Is.EqualTo(queue));

        // The reserved prefix is checked before RabbitMQ looks the queue up.
        var reason = await ExpectOperationInterruptedAsync(() => channel.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: false));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(403));
            Assert.That(reason.ReplyText, Is.EqualTo($"ACCESS_REFUSED - queue name '{queue}' contains reserved prefix 'amq.*'"));
        }
    }

    [Test]
    public async Task Passive_declare_of_a_missing_queue_is_404()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = UniqueName("missing");

        var reason = await ExpectOperationInterruptedAsync(() => channel.QueueDeclarePassiveAsync(queue));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(404));
            Assert.That(reason.ReplyText, Is.EqualTo($"NOT_FOUND - no queue '{queue}' {VHost}"));
            Assert.That(connection.IsOpen, Is.True);
        }
    }

    [Test]
    public async Task Declare_ok_counts_ready_messages_and_consumers()
    {
        var channel = await ConfirmChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        for (var i = 0; i < 3; i++)
        {
            await PublishConfirmedAsync(channel, string.Empty, queue, $"m{i}");
        }

        var consumerChannel = await OpenChannelAsync();
        await consumerChannel.BasicQosAsync(0, 1, false);
        var consumer = new CollectingConsumer(consumerChannel);
        await consumerChannel.BasicConsumeAsync(queue, autoAck: false, consumer);
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
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = Track(UniqueName());
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: field == "auto_delete");

        var reason = await ExpectOperationInterruptedAsync(() => channel.QueueDeclareAsync(queue, durable, exclusive: false, autoDelete));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(406));
            Assert.That(reason.ReplyText, Is.EqualTo($"PRECONDITION_FAILED - inequivalent arg '{field}' for queue '{queue}' {VHost}: {detail}"));
        }

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
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = Track(UniqueName());
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false, arguments: original);

        var reason = await ExpectOperationInterruptedAsync(() => channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false, arguments: redeclared));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(406));
            Assert.That(reason.ReplyText, Is.EqualTo($"PRECONDITION_FAILED - inequivalent arg '{key}' for queue '{queue}' {VHost}: {detail}"));
        }
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

    // ---------------------------------------------------------------- exclusive queues

    [TestCase("declare")]
    [TestCase("redeclare-not-exclusive")]
    [TestCase("passive")]
    [TestCase("consume")]
    [TestCase("get")]
    [TestCase("bind")]
    [TestCase("unbind")]
    [TestCase("delete")]
    [TestCase("purge")]
    public async Task Another_connection_cannot_use_an_exclusive_queue(string operation)
    {
        var owner = await OpenChannelAsync();
        var queue = Track(ShortName());
        await owner.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: false);
        await owner.QueueBindAsync(queue, "amq.direct", queue);
        var other = await ConnectAsync();
        var channel = await other.CreateChannelAsync();

        var reason = await ExpectOperationInterruptedAsync(() => operation switch
        {
            "declare" => channel.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: false),
            "redeclare-not-exclusive" => channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false),
            "passive" => channel.QueueDeclarePassiveAsync(queue),
            "consume" => channel.BasicConsumeAsync(queue, autoAck: true, new CollectingConsumer(channel)),
            "get" => channel.BasicGetAsync(queue, autoAck: true),
            "bind" => channel.QueueBindAsync(queue, "amq.fanout", string.Empty),
            "unbind" => channel.QueueUnbindAsync(queue, "amq.direct", queue),
            "delete" => channel.QueueDeleteAsync(queue),
            "purge" => channel.QueuePurgeAsync(queue),
            _ => throw new ArgumentOutOfRangeException(nameof(operation)),
        });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(405));
            Assert.That(reason.ReplyText, Is.EqualTo(Locked(queue)));
            Assert.That(other.IsOpen, Is.True, "a channel error");
        }

        var ok = await owner.QueueDeclarePassiveAsync(queue);
        Assert.That(ok.QueueName, Is.EqualTo(queue), "the queue is still there for its owner");
    }

    [Test]
    public async Task A_reply_text_too_long_for_a_short_string_is_cut_to_252_characters_and_an_ellipsis()
    {
        var owner = await OpenChannelAsync();
        var queue = Track(UniqueName("exclusive-with-a-long-name"));
        await owner.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: false);
        var other = await ConnectAsync();
        var channel = await other.CreateChannelAsync();

        var reason = await ExpectOperationInterruptedAsync(() => channel.QueueDeclarePassiveAsync(queue));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(405));
            Assert.That(reason.ReplyText, Has.Length.EqualTo(255).And.EndWith("..."));
            Assert.That(reason.ReplyText, Is.EqualTo(Locked(queue)));
            Assert.That(other.IsOpen, Is.True, "a channel error");
        }
    }

    [Test]
    public async Task Another_connection_may_publish_to_an_exclusive_queue()
    {
        var owner = await OpenChannelAsync();
        var queue = Track(ShortName());
        await owner.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: false);
        var other = await ConfirmChannelAsync();

        await PublishConfirmedAsync(other, string.Empty, queue, "from elsewhere");

        var got = await owner.BasicGetAsync(queue, autoAck: true);
        Assert.That(got is null ? null : Text(got.Body), Is.EqualTo("from elsewhere"));
    }

    [Test]
    public async Task The_owner_cannot_redeclare_its_exclusive_queue_as_not_exclusive()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = Track(ShortName());
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: false);

        // Another channel of the same connection may redeclare it as it is.
        var sibling = await connection.CreateChannelAsync();
        await sibling.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: false);

        var reason = await ExpectOperationInterruptedAsync(() => channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(405));
            Assert.That(reason.ReplyText, Is.EqualTo(Locked(queue)));
        }
    }

    [Test]
    public async Task A_queue_cannot_be_redeclared_as_exclusive()
    {
        var channel = await OpenChannelAsync();
        var queue = Track(ShortName());
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false);

        var reason = await ExpectOperationInterruptedAsync(() => channel.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: false));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(405));
            Assert.That(reason.ReplyText, Is.EqualTo(Locked(queue)));
        }
    }

    [Test]
    public async Task An_exclusive_queue_is_deleted_when_its_connection_closes_and_not_before()
    {
        var owner = await ConnectAsync();
        var channel = await owner.CreateChannelAsync();
        var queue = Track(ShortName());
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: false);
        var observer = await ConnectAsync();

        await channel.CloseAsync();
        var stillOwned = await ExpectOperationInterruptedAsync(async () =>
        {
            await using var probe = await observer.CreateChannelAsync();
            await probe.QueueDeclarePassiveAsync(queue);
        });
        Assert.That(stillOwned.ReplyCode, Is.EqualTo(405), "closing the declaring channel does not delete it");

        await owner.CloseAsync();

        Assert.That(await EventuallyAsync(async () => !await QueueExistsAsync(observer, queue)), Is.True);
    }

    // ---------------------------------------------------------------- auto-delete queues

    [Test]
    public async Task An_auto_delete_queue_is_deleted_when_its_last_consumer_goes_and_not_before_the_first()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = Track(UniqueName("ad"));
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: true);
        await PublishAsync(channel, queue, "m");
        var got = await channel.BasicGetAsync(queue, autoAck: true);
        Assert.That(got, Is.Not.Null);
        await Task.Delay(QuietPeriod);
        Assert.That(await QueueExistsAsync(connection, queue), Is.True, "never consumed from: not deleted");

        var first = await channel.BasicConsumeAsync(queue, autoAck: true, new CollectingConsumer(channel));
        var second = await channel.BasicConsumeAsync(queue, autoAck: true, new CollectingConsumer(channel));
        await channel.BasicCancelAsync(first);
        Assert.That(await QueueExistsAsync(connection, queue), Is.True, "one consumer left");

        await channel.BasicCancelAsync(second);

        Assert.That(await EventuallyAsync(async () => !await QueueExistsAsync(connection, queue)), Is.True);
    }

    [Test]
    public async Task An_auto_delete_queue_is_deleted_when_the_consuming_channel_closes()
    {
        var connection = await ConnectAsync();
        var queue = Track(UniqueName("ad"));
        var channel = await connection.CreateChannelAsync();
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: true);
        await channel.BasicConsumeAsync(queue, autoAck: false, new CollectingConsumer(channel));

        await channel.CloseAsync();

        Assert.That(await EventuallyAsync(async () => !await QueueExistsAsync(connection, queue)), Is.True);
    }

    // ---------------------------------------------------------------- delete

    [Test]
    public async Task Delete_returns_the_number_of_ready_messages()
    {
        var connection = await ConnectAsync();
        var channel = await ConfirmChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        for (var i = 0; i < 4; i++)
        {
            await PublishConfirmedAsync(channel, string.Empty, queue, $"m{i}");
        }

        var consumerChannel = await connection.CreateChannelAsync();
        var unacked = await consumerChannel.BasicGetAsync(queue, autoAck: false);
        Assert.That(unacked, Is.Not.Null);

        var count = await channel.QueueDeleteAsync(queue);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(count, Is.EqualTo(3u), "the unacknowledged message is not counted");
            Assert.That(await QueueExistsAsync(connection, queue), Is.False);
        }
    }

    [Test]
    public async Task Delete_if_unused_refuses_a_queue_with_consumers()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        var tag = await channel.BasicConsumeAsync(queue, autoAck: true, new CollectingConsumer(channel));
        var deleter = await connection.CreateChannelAsync();

        var reason = await ExpectOperationInterruptedAsync(() => deleter.QueueDeleteAsync(queue, ifUnused: true, ifEmpty: false));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(406));
            Assert.That(reason.ReplyText, Is.EqualTo($"PRECONDITION_FAILED - queue '{queue}' {VHost} in use"));
            Assert.That(await QueueExistsAsync(connection, queue), Is.True);
        }

        await channel.BasicCancelAsync(tag);
        deleter = await connection.CreateChannelAsync();
        Assert.That(await deleter.QueueDeleteAsync(queue, ifUnused: true, ifEmpty: false), Is.Zero);
        Assert.That(await QueueExistsAsync(connection, queue), Is.False);
    }

    [Test]
    public async Task Delete_if_empty_refuses_a_queue_with_ready_messages()
    {
        var connection = await ConnectAsync();
        var channel = await ConfirmChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await PublishConfirmedAsync(channel, string.Empty, queue, "m");
        var deleter = await connection.CreateChannelAsync();

        var reason = await ExpectOperationInterruptedAsync(() => deleter.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: true));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(406));
            Assert.That(reason.ReplyText, Is.EqualTo($"PRECONDITION_FAILED - queue '{queue}' {VHost} not empty"));
            Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1u));
        }
    }

    [Test]
    public async Task Delete_if_empty_ignores_unacknowledged_messages()
    {
        var connection = await ConnectAsync();
        var channel = await ConfirmChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await PublishConfirmedAsync(channel, string.Empty, queue, "m");
        var holder = await connection.CreateChannelAsync();
        Assert.That(await holder.BasicGetAsync(queue, autoAck: false), Is.Not.Null);

        var count = await channel.QueueDeleteAsync(queue, ifUnused: true, ifEmpty: true);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(count, Is.Zero);
            Assert.That(await QueueExistsAsync(connection, queue), Is.False);
        }
    }

    [Test]
    public async Task Deleting_a_missing_queue_succeeds_with_zero_messages()
    {
        var channel = await OpenChannelAsync();

        var count = await channel.QueueDeleteAsync(UniqueName("missing"));
        var conditional = await channel.QueueDeleteAsync(UniqueName("missing"), ifUnused: true, ifEmpty: true);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(count, Is.Zero);
            Assert.That(conditional, Is.Zero);
            Assert.That(channel.IsOpen, Is.True);
        }
    }

    [Test]
    public async Task Deleting_a_queue_cancels_its_consumers()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        var consumer = new CollectingConsumer(channel);
        var tag = await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        var deleter = await connection.CreateChannelAsync();

        await deleter.QueueDeleteAsync(queue);

        Assert.That(await consumer.ServerCancelled.WaitAsync(Timeout), Is.EqualTo(tag));
        Assert.That(channel.IsOpen, Is.True);
    }

    // ---------------------------------------------------------------- purge

    [Test]
    public async Task Purge_removes_ready_messages_and_returns_their_count()
    {
        var connection = await ConnectAsync();
        var channel = await ConfirmChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        for (var i = 0; i < 3; i++)
        {
            await PublishConfirmedAsync(channel, string.Empty, queue, $"m{i}");
        }

        var holder = await connection.CreateChannelAsync();
        Assert.That(await holder.BasicGetAsync(queue, autoAck: false), Is.Not.Null);

        var purged = await channel.QueuePurgeAsync(queue);
        var again = await channel.QueuePurgeAsync(queue);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(purged, Is.EqualTo(2u));
            Assert.That(again, Is.Zero);
            Assert.That(await channel.MessageCountAsync(queue), Is.Zero);
        }

        // The unacknowledged message was not purged: it comes back when its channel closes.
        await holder.CloseAsync();
        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(queue) == 1), Is.True);
    }

    [Test]
    public async Task Purging_a_missing_queue_is_404()
    {
        var channel = await OpenChannelAsync();
        var queue = UniqueName("missing");

        var reason = await ExpectOperationInterruptedAsync(() => channel.QueuePurgeAsync(queue));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(404));
            Assert.That(reason.ReplyText, Is.EqualTo($"NOT_FOUND - no queue '{queue}' {VHost}"));
        }
    }

    // ---------------------------------------------------------------- bind / unbind

    [Test]
    public async Task Binding_a_missing_queue_is_404()
    {
        var channel = await OpenChannelAsync();
        var queue = UniqueName("missing");

        var reason = await ExpectOperationInterruptedAsync(() => channel.QueueBindAsync(queue, "amq.direct", "k"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(404));
            Assert.That(reason.ReplyText, Is.EqualTo($"NOT_FOUND - no queue '{queue}' {VHost}"));
        }
    }

    [Test]
    public async Task Binding_to_a_missing_exchange_is_404()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        var exchange = UniqueName("missing");

        var reason = await ExpectOperationInterruptedAsync(() => channel.QueueBindAsync(queue, exchange, "k"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(404));
            Assert.That(reason.ReplyText, Is.EqualTo($"NOT_FOUND - no exchange '{exchange}' {VHost}"));
        }
    }

    [Test]
    public async Task Binding_when_both_are_missing_names_the_exchange()
    {
        var channel = await OpenChannelAsync();
        var queue = UniqueName("missing-q");
        var exchange = UniqueName("missing-x");

        var reason = await ExpectOperationInterruptedAsync(() => channel.QueueBindAsync(queue, exchange, "k"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(404));
            Assert.That(reason.ReplyText, Is.EqualTo($"NOT_FOUND - no exchange '{exchange}' {VHost}"));
        }
    }

    [Test]
    public async Task Unbinding_a_missing_queue_or_exchange_succeeds()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);

        await channel.QueueUnbindAsync(UniqueName("missing-q"), "amq.direct", "k");
        await channel.QueueUnbindAsync(queue, UniqueName("missing-x"), "k");
        await channel.QueueUnbindAsync(UniqueName("missing-q"), UniqueName("missing-x"), "k");

        Assert.That(channel.IsOpen, Is.True);
    }

    [Test]
    public async Task Unbinding_a_binding_that_does_not_exist_succeeds()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, "amq.topic", "a.b");

        await channel.QueueUnbindAsync(queue, "amq.topic", "never.bound");
        await channel.QueueUnbindAsync(queue, "amq.topic", "a.b", new Dictionary<string, object?> { ["other"] = "args" });
        await channel.QueueUnbindAsync(queue, "amq.direct", "k");

        Assert.That(channel.IsOpen, Is.True);
    }

    [Test]
    public async Task Binding_twice_is_one_binding_and_unbind_removes_it()
    {
        var channel = await ConfirmChannelAsync();
        var exchange = TrackExchange(UniqueName("x"));
        await channel.ExchangeDeclareAsync(exchange, "direct");
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, exchange, "k");
        await channel.QueueBindAsync(queue, exchange, "k");

        await PublishConfirmedAsync(channel, exchange, "k", "m");
        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1u));

        await channel.QueueUnbindAsync(queue, exchange, "k");
        await PublishConfirmedAsync(channel, exchange, "k", "m");
        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1u), "one unbind removed the binding");
    }

    [Test]
    public async Task Bindings_differing_only_in_arguments_are_separate()
    {
        var channel = await ConfirmChannelAsync();
        var exchange = TrackExchange(UniqueName("x"));
        await channel.ExchangeDeclareAsync(exchange, "direct");
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, exchange, "k", new Dictionary<string, object?> { ["n"] = 1 });
        await channel.QueueBindAsync(queue, exchange, "k", new Dictionary<string, object?> { ["n"] = 2 });

        await channel.QueueUnbindAsync(queue, exchange, "k", new Dictionary<string, object?> { ["n"] = 1 });
        await PublishConfirmedAsync(channel, exchange, "k", "m");
        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1u), "the other binding still routes");

        await channel.QueueUnbindAsync(queue, exchange, "k", new Dictionary<string, object?> { ["n"] = 2 });
        await PublishConfirmedAsync(channel, exchange, "k", "m");
        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1u));
    }

    [Test]
    public async Task A_blank_queue_name_means_the_queue_last_declared_on_the_channel()
    {
        var channel = await ConfirmChannelAsync();
        var exchange = TrackExchange(UniqueName("x"));
        await channel.ExchangeDeclareAsync(exchange, "fanout");
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

    // ---------------------------------------------------------------- helpers

    /// <summary>RabbitMQ cuts a reply text longer than a short string allows to 252 characters and "...".</summary>
    private static string Locked(string queue) => Truncated(
        $"RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '{queue}' {VHost}. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.");

    /// <summary>A unique name short enough for the 405 text to fit a short string.</summary>
    private static string ShortName() => "q" + Guid.NewGuid().ToString("N");

    private static string Truncated(string text) => text.Length > 255 ? text[..252] + "..." : text;

    private async Task<IChannel> ConfirmChannelAsync() =>
        await OpenChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));

    private static async Task PublishConfirmedAsync(IChannel channel, string exchange, string routingKey, string body) =>
        await channel.BasicPublishAsync(exchange, routingKey, false, new BasicProperties(), Encoding.UTF8.GetBytes(body)).AsTask().WaitAsync(Timeout);
}
