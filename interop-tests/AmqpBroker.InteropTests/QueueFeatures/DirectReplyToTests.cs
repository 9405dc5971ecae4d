namespace AmqpBroker.InteropTests.QueueFeatures;

/// <summary>
/// Direct reply-to: a requester consumes the pseudo-queue amq.rabbitmq.reply-to (no-ack), publishes a
/// request with reply_to = amq.rabbitmq.reply-to, the server sees a private amq.rabbitmq.reply-to.… address
/// and publishes the reply there. Errors and edge cases as RabbitMQ answers them; once per release where a
/// mandatory reply differs: returned up to 4.1 (delivered or not), counted as routed from 4.2
/// (release-notes/4.2.0.md, "Mandatory flag in Direct Reply-To"). Declares checked against RabbitMQ 3.10.8.
/// </summary>
[Releases("3.10", "4.2")]
public sealed class DirectReplyToTests : BrokerTestBase
{
    private const string PseudoQueue = "amq.rabbitmq.reply-to";

    [Test]
    public async Task A_request_and_its_reply_make_the_round_trip()
    {
        var requesterConnection = await ConnectAsync();
        var requester = await requesterConnection.CreateChannelAsync();
        var serverChannel = await OpenChannelAsync();
        var requests = await DeclareQueueAsync(serverChannel, "requests");
        var replies = new CollectingConsumer(requester);
        var replyTag = await requester.BasicConsumeAsync(PseudoQueue, autoAck: true, replies);

        await requester.BasicPublishAsync(string.Empty, requests, mandatory: false, new BasicProperties { ReplyTo = PseudoQueue, CorrelationId = "c-1" }, "ping"u8.ToArray());
        var request = await GetEventuallyAsync(serverChannel, requests);
        var address = request.BasicProperties.ReplyTo;
        await serverChannel.BasicPublishAsync(string.Empty, address!, mandatory: false, new BasicProperties { CorrelationId = request.BasicProperties.CorrelationId, ContentType = "text/plain" }, "pong"u8.ToArray());
        var reply = await replies.NextAsync(Timeout);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(address, Does.StartWith(PseudoQueue + "."));
            Assert.That(address!, Has.Length.GreaterThan(PseudoQueue.Length + 1));
            Assert.That(request.BasicProperties.CorrelationId, Is.EqualTo("c-1"));
            Assert.That(reply.Text, Is.EqualTo("pong"));
            Assert.That(reply.ConsumerTag, Is.EqualTo(replyTag));
            Assert.That(reply.Exchange, Is.EqualTo(string.Empty));
            Assert.That(reply.RoutingKey, Is.EqualTo(address));
            Assert.That(reply.Redelivered, Is.False);
            Assert.That(reply.Properties.CorrelationId, Is.EqualTo("c-1"));
            Assert.That(reply.Properties.ContentType, Is.EqualTo("text/plain"));
        }
    }

    [Test]
    public async Task Each_channel_gets_its_own_address_and_replies_reach_only_it()
    {
        var server = await ServerAsync();
        var (a, aReplies) = await RequesterAsync(server.Connection);
        var (b, bReplies) = await RequesterAsync(server.Connection);

        await SendRequestAsync(a, server.Requests, "from a");
        await SendRequestAsync(b, server.Requests, "from b");
        var first = await GetEventuallyAsync(server.Channel, server.Requests);
        var second = await GetEventuallyAsync(server.Channel, server.Requests);
        var byBody = new Dictionary<string, string> { [Text(first.Body)] = first.BasicProperties.ReplyTo!, [Text(second.Body)] = second.BasicProperties.ReplyTo! };
        await server.Channel.BasicPublishAsync(string.Empty, byBody["from a"], "to a"u8.ToArray());
        await server.Channel.BasicPublishAsync(string.Empty, byBody["from b"], "to b"u8.ToArray());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(byBody["from a"], Is.Not.EqualTo(byBody["from b"]));
            Assert.That((await aReplies.NextAsync(Timeout)).Text, Is.EqualTo("to a"));
            Assert.That((await bReplies.NextAsync(Timeout)).Text, Is.EqualTo("to b"));
            Assert.That(await aReplies.AnyWithinAsync(QuietPeriod), Is.False);
            Assert.That(await bReplies.AnyWithinAsync(TimeSpan.Zero), Is.False);
        }
    }

    [Test]
    public async Task The_same_channel_keeps_its_address_for_every_request()
    {
        var server = await ServerAsync();
        var (requester, _) = await RequesterAsync(server.Connection);

        await SendRequestAsync(requester, server.Requests, "1");
        await SendRequestAsync(requester, server.Requests, "2");
        var first = await GetEventuallyAsync(server.Channel, server.Requests);
        var second = await GetEventuallyAsync(server.Channel, server.Requests);

        Assert.That(first.BasicProperties.ReplyTo, Is.EqualTo(second.BasicProperties.ReplyTo));
    }

    [Test]
    public async Task Consuming_the_pseudo_queue_with_acks_is_refused()
    {
        var channel = await OpenChannelAsync();

        await ExpectClosedAsync(() => channel.BasicConsumeAsync(PseudoQueue, autoAck: false, new CollectingConsumer(channel)), 406, "PRECONDITION_FAILED - reply consumer cannot acknowledge");
    }

    [Test]
    public async Task A_second_reply_consumer_on_the_same_channel_is_refused()
    {
        var channel = await OpenChannelAsync();
        await channel.BasicConsumeAsync(PseudoQueue, autoAck: true, new CollectingConsumer(channel));

        await ExpectClosedAsync(() => channel.BasicConsumeAsync(PseudoQueue, autoAck: true, new CollectingConsumer(channel)), 406, "PRECONDITION_FAILED - reply consumer already set");
    }

    [Test]
    public async Task Publishing_with_reply_to_the_pseudo_queue_without_consuming_it_is_refused()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        var watcher = WatchClose(channel);

        await SendRequestAsync(channel, queue);

        await ExpectClosedAsync(watcher, 406, "PRECONDITION_FAILED - fast reply consumer does not exist");
    }

    [Test]
    public async Task After_cancelling_the_reply_consumer_publishing_with_reply_to_is_refused()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        var tag = await channel.BasicConsumeAsync(PseudoQueue, autoAck: true, new CollectingConsumer(channel));
        await channel.BasicCancelAsync(tag);
        var watcher = WatchClose(channel);

        await SendRequestAsync(channel, queue);

        await ExpectClosedAsync(watcher, 406, "PRECONDITION_FAILED - fast reply consumer does not exist");
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task A_declare_of_the_pseudo_queue_succeeds_passive_or_not(bool passive)
    {
        var channel = await OpenChannelAsync();

        var ok = await DeclareAsync(channel, PseudoQueue, passive);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ok.QueueName, Is.EqualTo(PseudoQueue));
            Assert.That(ok.MessageCount, Is.Zero);
            Assert.That(ok.ConsumerCount, Is.EqualTo(1), "RabbitMQ always reports one consumer");
            Assert.That(channel.IsOpen, Is.True);
        }
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task A_declare_of_a_live_reply_address_succeeds_and_of_a_gone_one_is_404(bool passive)
    {
        var server = await ServerAsync();
        var (requester, address) = await RequestOnceAsync(server);

        var ok = await DeclareAsync(server.Channel, address, passive);
        Assert.That((ok.QueueName, ok.MessageCount, ok.ConsumerCount), Is.EqualTo((address, 0u, 1u)));

        await requester.CloseAsync();
        await ExpectClosedAsync(() => DeclareAsync(server.Channel, address, passive), 404, $"NOT_FOUND - no queue '{address}' in vhost '/'");
    }

    [Test]
    public async Task A_reply_to_a_closed_requester_is_dropped_silently()
    {
        var server = await ServerAsync();
        var (requester, address) = await RequestOnceAsync(server);
        await requester.CloseAsync();

        await server.Channel.BasicPublishAsync(string.Empty, address, "late reply"u8.ToArray());

        Assert.That(await server.Channel.MessageCountAsync(server.Requests), Is.Zero, "the channel is still usable");
        Assert.That(server.Channel.IsOpen, Is.True);
    }

    [Test]
    public async Task A_mandatory_reply_to_a_live_requester_is_delivered_and_returned_up_to_4_1()
    {
        // RabbitMQ 3.10.8 (checked with pika): the reply is delivered and also returned with 312 NO_ROUTE,
        // because the reply address is not a queue (rabbit_channel routes it outside the queue list).
        var server = await ServerAsync();
        var (requester, replies) = await RequesterAsync(await ConnectAsync());
        await SendRequestAsync(requester, server.Requests);
        var address = (await GetEventuallyAsync(server.Channel, server.Requests)).BasicProperties.ReplyTo!;
        var returns = CollectReturns(server.Channel);

        await server.Channel.BasicPublishAsync(string.Empty, address, mandatory: true, new BasicProperties(), "reply"u8.ToArray());

        Assert.That((await replies.NextAsync(Timeout)).Text, Is.EqualTo("reply"));
        if (Profile.MandatoryToDirectReplyToIsRouted)
        {
            await Task.Delay(QuietPeriod);
            Assert.That(returns, Is.Empty, "no basic.return from 4.2");
        }
        else
        {
            Assert.That(await EventuallyAsync(() => Task.FromResult(returns.Count == 1)), Is.True, "basic.return up to 4.1");
            Assert.That((returns[0].ReplyCode, returns[0].RoutingKey), Is.EqualTo(((ushort)312, address)));
        }
    }

    [Test]
    public async Task A_mandatory_reply_to_a_gone_requester_is_returned_up_to_4_1()
    {
        var server = await ServerAsync();
        var (requester, address) = await RequestOnceAsync(server);
        await requester.CloseAsync();
        var confirming = await server.Connection.CreateChannelAsync(ConfirmOptions);
        var returned = new TaskCompletionSource<BasicReturnEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        confirming.BasicReturnAsync += (_, args) =>
        {
            returned.TrySetResult(args);
            return Task.CompletedTask;
        };

        var wasReturned = await PublishConfirmedAsync(confirming, string.Empty, address, "late reply", mandatory: true);
        Assert.That(wasReturned, Is.Not.EqualTo(Profile.MandatoryToDirectReplyToIsRouted), "basic.return up to 4.1, none from 4.2");
        if (!wasReturned)
        {
            return;
        }

        var args = await returned.Task.WaitAsync(Timeout);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(args.ReplyCode, Is.EqualTo(312));
            Assert.That(args.ReplyText, Is.EqualTo("NO_ROUTE"));
            Assert.That(args.RoutingKey, Is.EqualTo(address));
            Assert.That(confirming.IsOpen, Is.True);
        }
    }

    [Test]
    public async Task A_reply_to_a_malformed_address_is_dropped_silently()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();

        await channel.BasicPublishAsync(string.Empty, PseudoQueue + ".bogus", "reply"u8.ToArray());

        Assert.That(await channel.MessageCountAsync(queue), Is.Zero, "the channel is still usable");
        Assert.That(channel.IsOpen, Is.True);
    }

    /// <summary>Any name starting with the pseudo-queue's is direct reply-to's, not the reserved <c>amq.</c> prefix's 403.</summary>
    [TestCase(PseudoQueue + ".bogus", true)]
    [TestCase(PseudoQueue + ".bogus", false)]
    [TestCase(PseudoQueue + "x", false)]
    public async Task A_declare_of_a_malformed_address_is_404(string address, bool passive)
    {
        var channel = await OpenChannelAsync();

        await ExpectClosedAsync(() => DeclareAsync(channel, address, passive), 404, $"NOT_FOUND - no queue '{address}' in vhost '/'");
    }

    [Test]
    public async Task Replies_are_delivered_regardless_of_the_requesters_prefetch()
    {
        var server = await ServerAsync();
        var requester = await server.Connection.CreateChannelAsync();
        await requester.BasicQosAsync(0, 1, global: false);
        var replies = await ConsumeAsync(requester, PseudoQueue, autoAck: true);
        await SendRequestAsync(requester, server.Requests);
        var address = (await GetEventuallyAsync(server.Channel, server.Requests)).BasicProperties.ReplyTo!;

        for (var i = 0; i < 5; i++)
        {
            await server.Channel.BasicPublishAsync(string.Empty, address, Encoding.UTF8.GetBytes($"r{i}"));
        }

        Assert.That((await replies.TakeAsync(5, Timeout)).Select(d => d.Text), Is.EqualTo(new List<string> { "r0", "r1", "r2", "r3", "r4" }));
    }

    /// <summary>
    /// RabbitMQ answers every queue.declare of a name starting <c>amq.rabbitmq.reply-to</c> as a passive one, whatever its
    /// flags and arguments, and checks no permission (rabbit_channel's first queue.declare clause, v3.10.8 to v4.3.5,
    /// rabbit_volatile_queue:declare/2 from v4.2.0); the non-passive declare asks for everything a queue could.
    /// </summary>
    private static Task<QueueDeclareOk> DeclareAsync(IChannel channel, string name, bool passive) => passive
        ? channel.QueueDeclarePassiveAsync(name)
        : channel.QueueDeclareAsync(name, durable: true, exclusive: true, autoDelete: true, new Dictionary<string, object?> { ["x-queue-type"] = "quorum", ["x-max-length"] = "bad" });

    /// <summary>A connection with the server side on it: a channel and the queue it takes requests from.</summary>
    private async Task<Server> ServerAsync()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        return new Server(connection, channel, await DeclareQueueAsync(channel, "requests"));
    }

    /// <summary>A requester on the server's connection that sent one request, and the reply address the server saw on it.</summary>
    private static async Task<(IChannel Requester, string Address)> RequestOnceAsync(Server server)
    {
        var (requester, _) = await RequesterAsync(server.Connection);
        await SendRequestAsync(requester, server.Requests);
        return (requester, (await GetEventuallyAsync(server.Channel, server.Requests)).BasicProperties.ReplyTo!);
    }

    private static async Task<(IChannel Channel, CollectingConsumer Replies)> RequesterAsync(IConnection connection)
    {
        var channel = await connection.CreateChannelAsync();
        return (channel, await ConsumeAsync(channel, PseudoQueue, autoAck: true));
    }

    /// <summary>Publishes a request asking for the reply at the pseudo-queue.</summary>
    private static async Task SendRequestAsync(IChannel requester, string requests, string body = "request") =>
        await requester.BasicPublishAsync(string.Empty, requests, mandatory: false, new BasicProperties { ReplyTo = PseudoQueue }, Encoding.UTF8.GetBytes(body));

    private sealed record Server(IConnection Connection, IChannel Channel, string Requests);
}
