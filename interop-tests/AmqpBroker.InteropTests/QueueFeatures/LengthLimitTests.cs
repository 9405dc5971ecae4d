namespace AmqpBroker.InteropTests.QueueFeatures;

/// <summary>
/// Length limits: x-max-length (messages) and x-max-length-bytes (body bytes of ready messages), with
/// x-overflow drop-head (the oldest go, dead-lettered as maxlen), reject-publish (the publisher gets a
/// nack, nothing is dead-lettered) and reject-publish-dlx (nack, and the refused message is dead-lettered).
/// </summary>
public sealed class LengthLimitTests : BrokerTestBase
{
    [Test]
    public async Task Max_length_drops_the_oldest_messages()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions, Args(("x-max-length", 2)));

        await PublishAsync(channel, queue, "m1", "m2", "m3", "m4");

        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(queue) == 2), Is.True);
        Assert.That(await DrainAsync(channel, queue), Is.EqualTo(new List<string> { "m3", "m4" }));
    }

    [Test]
    public async Task Max_length_counts_ready_messages_only()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions, Args(("x-max-length", 1)));
        await PublishAsync(channel, queue, "m1");
        var unacked = await channel.BasicGetAsync(queue, autoAck: false);

        await PublishAsync(channel, queue, "m2");

        Assert.That(Text(unacked!.Body), Is.EqualTo("m1"));
        Assert.That(await DrainAsync(channel, queue), Is.EqualTo(new List<string> { "m2" }), "the unacked m1 takes no room");
    }

    [Test]
    public async Task Max_length_zero_keeps_nothing_but_still_delivers_to_a_waiting_consumer()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions, Args(("x-max-length", 0)));

        await ExpectALaterConsumerToGetOnlyTheNextAsync(channel, queue, gone: "dropped", next: "delivered");
    }

    [Test]
    public async Task Max_length_bytes_counts_body_bytes_and_allows_exactly_the_limit()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions, Args(("x-max-length-bytes", 10)));

        await PublishAsync(channel, queue, "aaaaa", "bbbbb");
        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(queue) == 2), Is.True, "5 + 5 body bytes fit a limit of 10");

        await PublishAsync(channel, queue, "c");
        Assert.That(await DrainAsync(channel, queue), Is.EqualTo(new List<string> { "bbbbb", "c" }));
    }

    [Test]
    public async Task Max_length_bytes_ignores_properties_and_headers()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions, Args(("x-max-length-bytes", 10)));
        var properties = new BasicProperties
        {
            ContentType = "application/octet-stream",
            Headers = new Dictionary<string, object?> { ["big"] = new string('x', 200) },
        };

        await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, properties, "12345"u8.ToArray());
        await channel.BasicPublishAsync(string.Empty, queue, mandatory: false, properties, "67890"u8.ToArray());

        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(queue) == 2), Is.True, "only the bodies count");
    }

    [Test]
    public async Task A_message_larger_than_max_length_bytes_is_dropped_at_once()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions, Args(("x-max-length-bytes", 10)));
        await PublishAsync(channel, queue, "small");

        await PublishAsync(channel, queue, "eleven-byte");

        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(queue) == 0), Is.True, "dropping from the head until it fits drops both");
    }

    [Test]
    public async Task Both_limits_apply_together()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions, Args(("x-max-length", 3), ("x-max-length-bytes", 6)));

        await PublishAsync(channel, queue, "a", "b", "c", "d");
        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(queue) == 3), Is.True);
        await PublishAsync(channel, queue, "eeee");

        Assert.That(await DrainAsync(channel, queue), Is.EqualTo(new List<string> { "c", "d", "eeee" }));
    }

    [Test]
    public async Task Drop_head_dead_letters_the_dropped_messages_with_reason_maxlen()
    {
        var (channel, queue, deadLetters) = await OpenChannelWithDeadLetteringQueueAsync(("x-max-length", 1), ("x-overflow", "drop-head"));

        await PublishAsync(channel, queue, "m1", "m2", "m3");

        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(deadLetters) == 2), Is.True);
        var reasons = new List<string>();
        var bodies = new List<string>();
        while (await channel.BasicGetAsync(deadLetters, autoAck: true) is { } dead)
        {
            bodies.Add(Text(dead.Body));
            reasons.Add(Reason(dead.BasicProperties));
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(bodies, Is.EqualTo(new List<string> { "m1", "m2" }));
            Assert.That(reasons, Is.All.EqualTo("maxlen"));
            Assert.That(await DrainAsync(channel, queue), Is.EqualTo(new List<string> { "m3" }));
        }
    }

    [Test]
    public async Task Reject_publish_nacks_the_new_message_and_keeps_the_old_ones()
    {
        var (channel, queue, deadLetters) = await OpenChannelWithDeadLetteringQueueAsync(("x-max-length", 1), ("x-overflow", "reject-publish"));
        await PublishAsync(channel, queue, "m1");

        var nack = await PublishExpectingNackAsync(channel, queue, "m2");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(nack.IsReturn, Is.False, "a nack, not a basic.return");
            Assert.That(await DrainAsync(channel, queue), Is.EqualTo(new List<string> { "m1" }));
            Assert.That(await channel.MessageCountAsync(deadLetters), Is.Zero, "reject-publish does not dead-letter");
            Assert.That(channel.IsOpen, Is.True);
        }
    }

    [Test]
    public async Task Reject_publish_accepts_again_once_there_is_room()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions, Args(("x-max-length", 1), ("x-overflow", "reject-publish")));
        await PublishAsync(channel, queue, "m1");
        await PublishExpectingNackAsync(channel, queue, "m2");

        var got = await channel.BasicGetAsync(queue, autoAck: true);
        await PublishAsync(channel, queue, "m3");

        Assert.That(Text(got!.Body), Is.EqualTo("m1"));
        Assert.That(await DrainAsync(channel, queue), Is.EqualTo(new List<string> { "m3" }));
    }

    [Test]
    public async Task Reject_publish_applies_to_max_length_bytes()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions, Args(("x-max-length-bytes", 10), ("x-overflow", "reject-publish")));
        await PublishAsync(channel, queue, "12345678");

        await PublishExpectingNackAsync(channel, queue, "abc");
        await PublishAsync(channel, queue, "ab");

        Assert.That(await DrainAsync(channel, queue), Is.EqualTo(new List<string> { "12345678", "ab" }));
    }

    [Test]
    public async Task Reject_publish_dlx_nacks_and_dead_letters_the_refused_message()
    {
        var (channel, queue, deadLetters) = await OpenChannelWithDeadLetteringQueueAsync(("x-max-length", 1), ("x-overflow", "reject-publish-dlx"));
        await PublishAsync(channel, queue, "m1");

        await PublishExpectingNackAsync(channel, queue, "m2");

        Assert.That(await EventuallyAsync(async () => await channel.MessageCountAsync(deadLetters) == 1), Is.True);
        var dead = await channel.BasicGetAsync(deadLetters, autoAck: true);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Text(dead!.Body), Is.EqualTo("m2"));
            Assert.That(Reason(dead.BasicProperties), Is.EqualTo("maxlen"));
            Assert.That(await DrainAsync(channel, queue), Is.EqualTo(new List<string> { "m1" }));
        }
    }

    [Test]
    public async Task A_nack_for_one_full_queue_does_not_stop_delivery_to_the_others()
    {
        var channel = await OpenConfirmChannelAsync();
        var fanout = await DeclareExchangeAsync(channel, ExchangeType.Fanout, what: "fanout");
        var full = await DeclareQueueAsync(channel, Args(("x-max-length", 0), ("x-overflow", "reject-publish")));
        var open = await DeclareQueueAsync(channel, "open");
        await channel.QueueBindAsync(full, fanout, string.Empty);
        await channel.QueueBindAsync(open, fanout, string.Empty);

        try
        {
            await channel.BasicPublishAsync(fanout, string.Empty, "m"u8.ToArray());
            Assert.Fail("expected a nack");
        }
        catch (PublishException e)
        {
            Assert.That(e.IsReturn, Is.False);
        }

        Assert.That(await DrainAsync(channel, open), Is.EqualTo(new List<string> { "m" }));
    }

    private static async Task<PublishException> PublishExpectingNackAsync(IChannel channel, string queue, string body)
    {
        try
        {
            await channel.BasicPublishAsync(string.Empty, queue, Encoding.UTF8.GetBytes(body)).AsTask().WaitAsync(Timeout);
        }
        catch (PublishException e)
        {
            return e;
        }

        Assert.Fail("expected the broker to nack the publish");
        throw new InvalidOperationException("unreachable");
    }

    private static string Reason(IReadOnlyBasicProperties properties)
    {
        var death = (IDictionary<string, object?>)((IList<object?>)properties.Headers!["x-death"]!)[0]!;
        return Encoding.UTF8.GetString((byte[])death["reason"]!);
    }
}
