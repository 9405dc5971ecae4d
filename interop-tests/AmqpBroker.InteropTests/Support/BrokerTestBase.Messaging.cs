namespace AmqpBroker.InteropTests.Support;

/// <summary>Declaring, publishing, fetching and consuming: the steps most tests are made of.</summary>
public abstract partial class BrokerTestBase
{
    /// <summary>How RabbitMQ's error texts name the default virtual host.</summary>
    protected const string InDefaultVhost = "in vhost '/'";

    /// <summary>Declares a non-durable, non-exclusive, non-auto-delete queue with a unique name.</summary>
    protected Task<string> DeclareQueueAsync(IChannel channel, string what = "q") => DeclareQueueAsync(channel, arguments: null, what);

    /// <summary>Declares a non-durable, non-exclusive, non-auto-delete queue with a unique name and these arguments.</summary>
    protected async Task<string> DeclareQueueAsync(IChannel channel, IDictionary<string, object?>? arguments, string what = "q")
    {
        var name = Track(UniqueName(what));
        var ok = await channel.QueueDeclareAsync(name, durable: false, exclusive: false, autoDelete: false, arguments);
        Assert.That(ok.QueueName, Is.EqualTo(name));
        return name;
    }

    /// <summary>Declares a stream with a unique name and these arguments.</summary>
    protected Task<string> DeclareStreamAsync(IChannel channel, params (string Key, object? Value)[] arguments) =>
        DeclareTypedAsync(channel, "stream", arguments);

    /// <summary>A short unique name, keeping reply texts that quote it well under 255 bytes.</summary>
    protected string ShortName(string prefix) => Track($"{prefix}-{Guid.NewGuid():N}");

    /// <summary>
    /// Declares a queue of <paramref name="type"/> (durable and non-exclusive, as quorum queues and streams must be) with
    /// a unique name and these arguments.
    /// </summary>
    protected async Task<string> DeclareTypedAsync(IChannel channel, string type, params (string Key, object? Value)[] arguments)
    {
        var name = ShortName(type[..1] + "q");
        var table = Args([.. arguments, ("x-queue-type", type)]);
        await channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false, table);
        return name;
    }

    /// <summary>Declares an exchange with a unique name (deleted after the test).</summary>
    protected async Task<string> DeclareExchangeAsync(
        IChannel channel, string type, bool durable = false, bool autoDelete = false, IDictionary<string, object?>? arguments = null, string what = "x")
    {
        var name = TrackExchange(UniqueName(what));
        await channel.ExchangeDeclareAsync(name, type, durable, autoDelete, arguments);
        return name;
    }

    /// <summary>An argument table, e.g. <c>Args(("x-max-length", 1), ("x-overflow", "drop-head"))</c>.</summary>
    protected static Dictionary<string, object?> Args(params (string Key, object? Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    /// <summary>True when <paramref name="queue"/> exists (<see cref="PassiveDeclare"/>).</summary>
    protected static Task<bool> QueueExistsAsync(IConnection connection, string queue) => PassiveDeclare.QueueExistsAsync(connection, queue);

    /// <summary>True when <paramref name="exchange"/> exists (<see cref="PassiveDeclare"/>).</summary>
    protected static Task<bool> ExchangeExistsAsync(IConnection connection, string exchange) => PassiveDeclare.ExchangeExistsAsync(connection, exchange);

    /// <summary>A new connection watched for connection.blocked/unblocked from the start, and a channel on it to publish with.</summary>
    private protected async Task<(IConnection Connection, BlockedSignals Signals, IChannel Channel)> OpenWatchedPublisherAsync()
    {
        var connection = await ConnectAsync();
        var signals = BlockedSignals.Watch(connection);
        return (connection, signals, await connection.CreateChannelAsync());
    }

    /// <summary>Two channels on one new connection and a fresh queue declared on the first: for what is per channel.</summary>
    protected async Task<(IChannel One, IChannel Two, string Queue)> OpenTwoChannelsWithQueueAsync()
    {
        var connection = await ConnectAsync();
        var one = await connection.CreateChannelAsync();
        var two = await connection.CreateChannelAsync();
        return (one, two, await DeclareQueueAsync(one));
    }

    /// <summary>
    /// A new connection with a confirm channel, a fresh dead-letter queue, and a fresh queue with these arguments that
    /// dead-letters to it through the default exchange.
    /// </summary>
    protected async Task<(IChannel Channel, string Queue, string DeadLetters)> OpenChannelWithDeadLetteringQueueAsync(params (string Key, object? Value)[] arguments)
    {
        var channel = await OpenConfirmChannelAsync();
        var deadLetters = await DeclareQueueAsync(channel, "dlq");
        var queue = await DeclareQueueAsync(channel, Args([.. arguments, ("x-dead-letter-exchange", string.Empty), ("x-dead-letter-routing-key", deadLetters)]));
        return (channel, queue, deadLetters);
    }

    /// <summary>A new connection with a confirm channel, and a fresh queue holding <paramref name="messages"/> confirmed messages "m0", "m1", ...</summary>
    protected async Task<(IChannel Channel, string Queue)> OpenChannelWithConfirmedMessagesAsync(int messages)
    {
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions);
        for (var i = 0; i < messages; i++)
        {
            await PublishConfirmedAsync(channel, string.Empty, queue, $"m{i}");
        }

        return (channel, queue);
    }

    /// <summary>Publishes each body to <paramref name="queue"/> through the default exchange.</summary>
    protected static async Task PublishAsync(IChannel channel, string queue, params string[] bodies)
    {
        foreach (var body in bodies)
        {
            await channel.BasicPublishAsync(string.Empty, queue, Encoding.UTF8.GetBytes(body));
        }
    }

    /// <summary>
    /// Publishes on a channel opened with <see cref="ConfirmOptions"/> and waits for the confirm; true when the
    /// broker returned the (mandatory) message.
    /// </summary>
    protected static async Task<bool> PublishConfirmedAsync(IChannel channel, string exchange, string routingKey, string body, bool mandatory = false)
    {
        try
        {
            await channel.BasicPublishAsync(exchange, routingKey, mandatory, new BasicProperties(), Encoding.UTF8.GetBytes(body)).AsTask().WaitAsync(Timeout);
            return false;
        }
        catch (PublishException e) when (e.IsReturn)
        {
            return true;
        }
    }

    /// <summary>Collects every basic.return the channel receives from now on.</summary>
    protected static List<Returned> CollectReturns(IChannel channel)
    {
        var returns = new List<Returned>();
        channel.BasicReturnAsync += (_, args) =>
        {
            lock (returns)
            {
                returns.Add(Returned.From(args));
            }

            return Task.CompletedTask;
        };
        return returns;
    }

    /// <summary>basic.get until a message arrives (or <see cref="Timeout"/> fails the test).</summary>
    protected static async Task<BasicGetResult> GetEventuallyAsync(IChannel channel, string queue, bool autoAck = true)
    {
        BasicGetResult? got = null;
        Assert.That(await EventuallyAsync(async () => (got = await channel.BasicGetAsync(queue, autoAck)) is not null), Is.True, $"a message in {queue}");
        return got!;
    }

    /// <summary>basic.get <paramref name="count"/> times, each waiting for a message: the results in queue order.</summary>
    protected static async Task<List<BasicGetResult>> GetEventuallyAsync(IChannel channel, string queue, int count, bool autoAck)
    {
        var results = new List<BasicGetResult>();
        for (var i = 0; i < count; i++)
        {
            results.Add(await GetEventuallyAsync(channel, queue, autoAck));
        }

        return results;
    }

    /// <summary>basic.get with auto-ack until get-empty: the bodies that were ready, in queue order.</summary>
    protected static async Task<List<string>> DrainAsync(IChannel channel, string queue)
    {
        var bodies = new List<string>();
        while (await channel.BasicGetAsync(queue, autoAck: true) is { } got)
        {
            bodies.Add(Text(got.Body));
        }

        return bodies;
    }

    /// <summary>Starts a <see cref="CollectingConsumer"/> on <paramref name="queue"/> with a server-generated tag.</summary>
    protected static async Task<CollectingConsumer> ConsumeAsync(IChannel channel, string queue, bool autoAck = false)
    {
        var consumer = new CollectingConsumer(channel);
        await channel.BasicConsumeAsync(queue, autoAck, consumer);
        return consumer;
    }

    /// <summary>
    /// A manual-ack <see cref="CollectingConsumer"/> on a new channel of <paramref name="connection"/>, with a
    /// per-consumer prefetch on that channel (0: none) and these consume arguments.
    /// </summary>
    protected static async Task<(CollectingConsumer Consumer, IChannel Channel, string Tag)> ConsumeOnNewChannelAsync(
        IConnection connection, string queue, ushort prefetch = 0, IDictionary<string, object?>? arguments = null)
    {
        var channel = await connection.CreateChannelAsync();
        if (prefetch > 0)
        {
            await channel.BasicQosAsync(0, prefetch, global: false);
        }

        var consumer = new CollectingConsumer(channel);
        var tag = await channel.BasicConsumeAsync(queue, autoAck: false, string.Empty, noLocal: false, exclusive: false, arguments, consumer);
        return (consumer, channel, tag);
    }

    protected static string Text(ReadOnlyMemory<byte> body) => Encoding.UTF8.GetString(body.Span);

    /// <summary>A header or argument value that must be a longstr (RabbitMQ.Client reads those as bytes), as text.</summary>
    protected static string LongStr(object? value) =>
        value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : throw new AssertionException($"expected a longstr, got {value?.GetType().Name ?? "null"}");

    /// <summary>Expected texts written inline: <c>Texts("a", "b")</c>.</summary>
    protected static string[] Texts(params string[] texts) => texts;
}
