namespace AmqpBroker.InteropTests.Amqp.Queues;

/// <summary>
/// Exclusive queues: only their connection may use them (RESOURCE_LOCKED for others, with RabbitMQ's
/// reply text cut to a short string), others may publish to them, and they die with their connection.
/// </summary>
public sealed class ExclusiveQueueTests : BrokerTestBase
{
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
        var (owner, queue, other) = await ExclusiveQueueAndAnotherConnectionAsync();
        var channel = await other.CreateChannelAsync();

        await ExpectClosedAsync(() => operation switch
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
        }, 405, Locked(queue));
        Assert.That(other.IsOpen, Is.True, "a channel error");

        var ok = await owner.QueueDeclarePassiveAsync(queue);
        Assert.That(ok.QueueName, Is.EqualTo(queue), "the queue is still there for its owner");
    }

    /// <summary>
    /// RabbitMQ has the exchange's type validate a binding before it checks the queue's exclusivity (rabbit_binding:add/3
    /// at v3.10.8, rabbit_binding:binding_checks at v4.3.5), so a bind the type refuses is 406 even to another
    /// connection's exclusive queue. Checked against RabbitMQ 3.10.8.
    /// </summary>
    [Test]
    public async Task A_bind_the_exchange_type_refuses_is_406_before_the_exclusive_queue_is_405()
    {
        var (_, queue, other) = await ExclusiveQueueAndAnotherConnectionAsync();
        var channel = await other.CreateChannelAsync();

        await ExpectClosedAsync(() => channel.QueueBindAsync(queue, "amq.headers", string.Empty, BogusMatch), 406,
            "PRECONDITION_FAILED - Invalid x-match field value <<\"bogus\">>; expected all, any, all-with-x, or any-with-x");
    }

    /// <summary>
    /// An unbind checks the queue's exclusivity only for a binding that exists, and does not validate its arguments
    /// (rabbit_binding:remove/3 at v3.10.8, rabbit_db_binding:delete at v4.3.5); the existing one is 405 (above).
    /// Checked against RabbitMQ 3.10.8.
    /// </summary>
    [Test]
    public async Task Another_connection_may_unbind_what_is_not_bound_from_an_exclusive_queue()
    {
        var (_, queue, other) = await ExclusiveQueueAndAnotherConnectionAsync();
        var channel = await other.CreateChannelAsync();

        await channel.QueueUnbindAsync(queue, "amq.direct", "never-bound");
        await channel.QueueUnbindAsync(queue, "amq.headers", string.Empty, BogusMatch);

        Assert.That(channel.IsOpen, Is.True);
    }

    [Test]
    public async Task A_reply_text_too_long_for_a_short_string_is_cut_to_252_characters_and_an_ellipsis()
    {
        var owner = await OpenChannelAsync();
        var queue = Track(UniqueName("exclusive-with-a-long-name"));
        await owner.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: false);
        var other = await ConnectAsync();
        var channel = await other.CreateChannelAsync();

        var reason = await ExpectClosedAsync(() => channel.QueueDeclarePassiveAsync(queue), 405, Locked(queue));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyText, Has.Length.EqualTo(255).And.EndWith("..."));
            Assert.That(other.IsOpen, Is.True, "a channel error");
        }
    }

    [Test]
    public async Task Another_connection_may_publish_to_an_exclusive_queue()
    {
        var owner = await OpenChannelAsync();
        var queue = Track(ShortName());
        await owner.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: false);
        var other = await OpenConfirmChannelAsync();

        await PublishConfirmedAsync(other, string.Empty, queue, "from elsewhere");

        var got = await owner.BasicGetAsync(queue, autoAck: true);
        Assert.That(got is null ? null : Text(got.Body), Is.EqualTo("from elsewhere"));
    }

    [Test]
    public async Task The_owner_cannot_redeclare_its_exclusive_queue_as_not_exclusive()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var queue = Track(ShortName());
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: false);

        // Another channel of the same connection may redeclare it as it is.
        var sibling = await connection.CreateChannelAsync();
        await sibling.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: false);

        await ExpectClosedAsync(() => channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false), 405, Locked(queue));
    }

    [Test]
    public async Task A_queue_cannot_be_redeclared_as_exclusive()
    {
        var channel = await OpenChannelAsync();
        var queue = Track(ShortName());
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false);

        await ExpectClosedAsync(() => channel.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: false), 405, Locked(queue));
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

    private static Dictionary<string, object?> BogusMatch => new() { ["x-match"] = "bogus" };

    /// <summary>A queue exclusive to the owner's connection, bound to amq.direct with its name, and another connection.</summary>
    private async Task<(IChannel Owner, string Queue, IConnection Other)> ExclusiveQueueAndAnotherConnectionAsync()
    {
        var owner = await OpenChannelAsync();
        var queue = Track(ShortName());
        await owner.QueueDeclareAsync(queue, durable: false, exclusive: true, autoDelete: false);
        await owner.QueueBindAsync(queue, "amq.direct", queue);
        return (owner, queue, await ConnectAsync());
    }

    /// <summary>RabbitMQ cuts a reply text longer than a short string allows to 252 characters and "...".</summary>
    private static string Locked(string queue) => Truncated(
        $"RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '{queue}' {InDefaultVhost}. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.");

    /// <summary>A unique name short enough for the 405 text to fit a short string.</summary>
    private static string ShortName() => "q" + Guid.NewGuid().ToString("N");

    private static string Truncated(string text) => text.Length > 255 ? text[..252] + "..." : text;
}
