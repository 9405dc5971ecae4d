namespace AmqpBroker.InteropTests.QueueTypes;

/// <summary>
/// Publishing to and consuming from quorum queues as RabbitMQ 3.10.8 does it (checked against it): every
/// message kept with its own delivery mode, confirms, consumers without prefetch or in no-ack mode, get, purge,
/// single active consumer, consumer priorities, and basic.get refused with a single active consumer. The consume
/// refusals streams share (global qos, other types' consumer arguments) are QueueTypeConsumeTests'.
/// </summary>
public sealed class QuorumMessagingTests : QueueTypeTestBase
{
    [Test]
    public async Task Messages_keep_their_own_delivery_mode()
    {
        var (channel, queue) = await OpenChannelWithQuorumAsync();
        foreach (var mode in new[] { DeliveryModes.Transient, DeliveryModes.Persistent })
        {
            await channel.BasicPublishAsync(string.Empty, queue, false, new BasicProperties { DeliveryMode = mode }, "m"u8.ToArray());
        }

        await channel.BasicPublishAsync(string.Empty, queue, "m"u8.ToArray());

        var got = await GetEventuallyAsync(channel, queue, 3, autoAck: true);
        Assert.That(got.Select(g => g.BasicProperties.IsDeliveryModePresent() ? g.BasicProperties.DeliveryMode : (DeliveryModes?)null), Is.EqualTo(new DeliveryModes?[] { DeliveryModes.Transient, DeliveryModes.Persistent, null }));
    }

    [Test]
    public async Task A_consumer_needs_no_prefetch_and_may_use_automatic_acknowledgement()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var queue = await DeclareQuorumAsync(channel);
        var consuming = await connection.CreateChannelAsync();
        var consumer = await ConsumeAsync(consuming, queue, autoAck: true);

        await PublishAsync(channel, queue, "a", "b");

        var deliveries = await consumer.TakeAsync(2, Timeout);
        Assert.That(deliveries.Select(d => d.Text), Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public async Task Purge_answers_how_many_ready_messages_went()
    {
        var (channel, queue) = await OpenChannelWithQuorumAsync();
        await PublishAsync(channel, queue, "a", "b", "c");

        var purged = await channel.QueuePurgeAsync(queue);

        Assert.That(purged, Is.EqualTo(3));
        Assert.That(await channel.MessageCountAsync(queue), Is.Zero);
    }

    [Test]
    public async Task Get_is_refused_with_a_single_active_consumer()
    {
        var channel = await OpenChannelAsync();
        var queue = await DeclareQuorumAsync(channel, ("x-single-active-consumer", true));

        await ExpectClosedAsync(
            () => channel.BasicGetAsync(queue, autoAck: true),
            405,
            $"RESOURCE_LOCKED - cannot obtain access to locked queue '{queue}' {InDefaultVhost}. basic.get operations are not supported by quorum queues with single active consumer");
    }

    [Test]
    public async Task A_single_active_consumer_takes_every_message_while_it_lasts()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var queue = await DeclareQuorumAsync(channel, ("x-single-active-consumer", true));
        var (first, firstChannel, _) = await ConsumeOnNewChannelAsync(connection, queue);
        var (second, _, _) = await ConsumeOnNewChannelAsync(connection, queue);

        await PublishAsync(channel, queue, "a", "b");
        var toFirst = await first.TakeAsync(2, Timeout);
        await firstChannel.CloseAsync();
        await PublishAsync(channel, queue, "c");

        Assert.That(toFirst.Select(d => d.Text), Is.EqualTo(new[] { "a", "b" }));
        Assert.That((await second.TakeAsync(3, Timeout)).Select(d => d.Text), Is.EquivalentTo(new[] { "a", "b", "c" }), "the unacked ones come back to the next consumer");
    }

    [Test]
    public async Task The_consumer_of_highest_priority_receives_while_it_has_credit()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var queue = await DeclareQuorumAsync(channel);
        var (low, _, _) = await ConsumeOnNewChannelAsync(connection, queue, prefetch: 10, Args(("x-priority", 1)));
        var (high, _, _) = await ConsumeOnNewChannelAsync(connection, queue, prefetch: 10, Args(("x-priority", 5)));

        await PublishAsync(channel, queue, "a", "b", "c");

        Assert.That((await high.TakeAsync(3, Timeout)).Select(d => d.Text), Is.EqualTo(new[] { "a", "b", "c" }));
        Assert.That(await low.AnyWithinAsync(QuietPeriod), Is.False);
    }

    [Test]
    public async Task Overflow_reject_publish_refuses_once_past_the_limit_until_back_at_80_percent()
    {
        var (channel, queue) = await OpenChannelWithQuorumAsync(("x-max-length", 2), ("x-overflow", "reject-publish"));

        await PublishAsync(channel, queue, "a", "b", "c");
        var refused = await ExpectNackAsync(() => channel.BasicPublishAsync(string.Empty, queue, "d"u8.ToArray()).AsTask());
        await channel.BasicGetAsync(queue, autoAck: true);
        var stillRefused = await ExpectNackAsync(() => channel.BasicPublishAsync(string.Empty, queue, "e"u8.ToArray()).AsTask());
        await channel.BasicGetAsync(queue, autoAck: true);
        await PublishAsync(channel, queue, "f");

        Assert.That(refused.IsReturn || stillRefused.IsReturn, Is.False, "nacks, not returns");
        Assert.That(await DrainAsync(channel, queue), Is.EqualTo(new[] { "c", "f" }), "the enqueue that goes past the limit is taken; 2 left is above 80% of 2, 1 is not");
    }

    [Test]
    public async Task Overflow_reject_publish_dlx_is_accepted_and_drops_the_head()
    {
        var (channel, queue) = await OpenChannelWithQuorumAsync(("x-max-length", 1), ("x-overflow", "reject-publish-dlx"));

        await PublishAsync(channel, queue, "a", "b");

        Assert.That(await DrainAsync(channel, queue), Is.EqualTo(new[] { "b" }), "RabbitMQ 3.10 runs quorum queues with drop-head then");
    }

    [Test]
    public async Task A_head_dropped_for_the_length_limit_is_dead_lettered()
    {
        var channel = await OpenConfirmChannelAsync();
        var deadLetters = await DeclareQueueAsync(channel, "dlq");
        var queue = await DeclareQuorumAsync(channel, ("x-max-length", 1), ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", deadLetters));

        await PublishAsync(channel, queue, "a", "b");

        var dead = await GetEventuallyAsync(channel, deadLetters);
        Assert.That(Text(dead.Body), Is.EqualTo("a"));
        Assert.That(LongStr(dead.BasicProperties.Headers!["x-first-death-reason"]), Is.EqualTo("maxlen"));
    }

    [Test]
    public async Task At_least_once_dead_lettering_delivers_to_a_routable_dead_letter_queue()
    {
        var channel = await OpenConfirmChannelAsync();
        var deadLetters = await DeclareQueueAsync(channel, "dlq");
        var queue = await DeclareQuorumAsync(
            channel, ("x-dead-letter-strategy", "at-least-once"), ("x-overflow", "reject-publish"), ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", deadLetters));
        await PublishAsync(channel, queue, "m");
        var got = await GetEventuallyAsync(channel, queue, autoAck: false);

        await channel.BasicRejectAsync(got.DeliveryTag, requeue: false);

        var dead = await GetEventuallyAsync(channel, deadLetters);
        Assert.That(LongStr(dead.BasicProperties.Headers!["x-first-death-reason"]), Is.EqualTo("rejected"));
    }

    [Test]
    public async Task An_expired_message_goes_only_when_it_reaches_the_head()
    {
        var (channel, queue) = await OpenChannelWithQuorumAsync();
        await PublishAsync(channel, queue, "long");
        await channel.BasicPublishAsync(string.Empty, queue, false, new BasicProperties { Expiration = "100" }, "short"u8.ToArray());
        await Task.Delay(500);

        var countedBehindTheHead = await channel.MessageCountAsync(queue);

        Assert.That(countedBehindTheHead, Is.EqualTo(2), "still counted while a live message is ahead of it");
        Assert.That(await DrainAsync(channel, queue), Is.EqualTo(new[] { "long" }));
    }

    [Test]
    public async Task Message_ttl_dead_letters_expired_messages()
    {
        var channel = await OpenConfirmChannelAsync();
        var deadLetters = await DeclareQueueAsync(channel, "dlq");
        var queue = await DeclareQuorumAsync(channel, ("x-message-ttl", 50), ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", deadLetters));

        await PublishAsync(channel, queue, "m");

        var dead = await GetEventuallyAsync(channel, deadLetters);
        Assert.That(LongStr(dead.BasicProperties.Headers!["x-first-death-reason"]), Is.EqualTo("expired"));
    }

    [Test]
    public async Task An_unused_queue_expires()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = await DeclareQuorumAsync(channel, ("x-expires", 300));

        Assert.That(await EventuallyAsync(async () => !await QueueExistsAsync(connection, queue)), Is.True);
    }

    private static async Task<PublishException> ExpectNackAsync(Func<Task> publish)
    {
        try
        {
            await publish().WaitAsync(Timeout);
        }
        catch (PublishException e)
        {
            return e;
        }

        throw new AssertionException("expected the publish to be nacked");
    }
}
