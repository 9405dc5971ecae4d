namespace AmqpBroker.InteropTests.QueueTypes;

/// <summary>
/// Quorum queue behaviour that changed after 3.10, on the in-process broker behaving as the release (the
/// RabbitMQ on this machine is 3.10, so these run in-process only). Each test names the release note or
/// source it expects.
/// </summary>
public abstract class QuorumReleaseTestBase : QueueTypeTestBase
{
    protected static async Task PublishWithPriorityAsync(IChannel channel, string queue, string body, byte priority) =>
        await channel.BasicPublishAsync(string.Empty, queue, false, new BasicProperties { Priority = priority }, Encoding.UTF8.GetBytes(body));

    protected static object? Header(IReadOnlyBasicProperties properties, string name) =>
        properties.Headers?.TryGetValue(name, out var value) == true ? value : null;
}

/// <summary>RabbitMQ 4.0 (release-notes/4.0.1.md): priorities, a default delivery limit, no count on a first get.</summary>
[Releases("4.0")]
public sealed class Quorum40Tests : QuorumReleaseTestBase
{
    [Test]
    public async Task High_priority_messages_go_first_but_every_third_takes_the_older_one()
    {
        // release-notes/4.0.1.md, Highlights: message priorities (#10637); rabbit_fifo_q:out/1 at v4.0.1 (WEIGHT 2)
        var (channel, queue) = await OpenChannelWithQuorumAsync();
        foreach (var (body, priority) in new[] { ("n1", 0), ("n2", 4), ("n3", 0), ("h1", 5), ("h2", 9), ("h3", 255) })
        {
            await PublishWithPriorityAsync(channel, queue, body, (byte)priority);
        }

        Assert.That(await DrainAsync(channel, queue), Is.EqualTo(new[] { "h1", "h2", "n1", "h3", "n2", "n3" }));
    }

    [Test]
    public async Task Without_a_limit_a_message_is_dropped_after_20_returns()
    {
        // release-notes/4.0.1.md, Breaking Changes: "Quorum Queues Now Have a Default Redelivery Limit" (#11937)
        var (channel, queue) = await OpenChannelWithQuorumAsync();
        await PublishAsync(channel, queue, "m");

        var deliveries = 0;
        while (await channel.BasicGetAsync(queue, autoAck: false) is { } got)
        {
            deliveries++;
            await channel.BasicNackAsync(got.DeliveryTag, multiple: false, requeue: true);
        }

        Assert.That(deliveries, Is.EqualTo(21));
    }

    [Test]
    public async Task A_negative_limit_disables_it_and_a_first_get_carries_no_count()
    {
        // release-notes/4.0.1.md (a negative limit disables it); rabbit_fifo_client:add_delivery_count_header at v4.0.1 (count > 0)
        var (channel, queue) = await OpenChannelWithQuorumAsync(("x-delivery-limit", -1));
        await PublishAsync(channel, queue, "m");

        var first = await GetEventuallyAsync(channel, queue, autoAck: false);
        for (var i = 0; i < 25; i++)
        {
            var got = i == 0 ? first : await GetEventuallyAsync(channel, queue, autoAck: false);
            await channel.BasicNackAsync(got.DeliveryTag, multiple: false, requeue: true);
        }

        var last = await GetEventuallyAsync(channel, queue, autoAck: true);
        Assert.That(Header(first.BasicProperties, "x-delivery-count"), Is.Null);
        Assert.That(Header(last.BasicProperties, "x-delivery-count"), Is.EqualTo(25L));
    }
}

/// <summary>RabbitMQ 4.3 (release-notes/4.3.0.md, Core Server, #13885): strict priorities and failed-delivery counting.</summary>
[Releases("4.3")]
public sealed class Quorum43Tests : QuorumReleaseTestBase
{
    [Test]
    public async Task Priorities_are_strict_with_no_priority_counting_as_4()
    {
        // release-notes/4.3.0.md, Release Highlights; rabbit_fifo:msg_priority at v4.3.0 (DEFAULT_PRIORITY 4, MAX_PRIORITY 31)
        var (channel, queue) = await OpenChannelWithQuorumAsync();
        await PublishWithPriorityAsync(channel, queue, "p3", 3);
        await PublishAsync(channel, queue, "none");
        await PublishWithPriorityAsync(channel, queue, "p200", 200);
        await PublishWithPriorityAsync(channel, queue, "p5", 5);

        Assert.That(await DrainAsync(channel, queue), Is.EqualTo(new[] { "p200", "p5", "none", "p3" }));
    }

    [Test]
    public async Task Explicit_returns_do_not_count_towards_the_limit_and_show_as_x_acquired_count()
    {
        // release-notes/4.3.0.md: "unlimited explicit message returns"; rabbit_fifo_client:add_delivery_count_header at v4.3.0
        var (channel, queue) = await OpenChannelWithQuorumAsync(("x-delivery-limit", 1));
        await PublishAsync(channel, queue, "m");
        for (var i = 0; i < 3; i++)
        {
            var got = await GetEventuallyAsync(channel, queue, autoAck: false);
            await channel.BasicNackAsync(got.DeliveryTag, multiple: false, requeue: true);
        }

        var last = await GetEventuallyAsync(channel, queue, autoAck: true);

        Assert.That(Header(last.BasicProperties, "x-acquired-count"), Is.EqualTo(3L));
        Assert.That(Header(last.BasicProperties, "x-delivery-count"), Is.Null, "no failed delivery yet");
    }

    [Test]
    public async Task A_closed_channel_is_a_failed_delivery_and_counts()
    {
        // rabbit_fifo:maybe_return_all at v4.3.0 (a consumer going down counts as delivery-failed); see the report on what is unknown
        var connection = await ConnectAsync();
        var setup = await connection.CreateChannelAsync(ConfirmOptions);
        var queue = await DeclareQuorumAsync(setup, ("x-delivery-limit", 1));
        await PublishAsync(setup, queue, "m");
        var consuming = await connection.CreateChannelAsync();
        await GetEventuallyAsync(consuming, queue, autoAck: false);
        await consuming.CloseAsync();

        var again = await GetEventuallyAsync(setup, queue, autoAck: false);
        await setup.CloseAsync();
        var channel = await connection.CreateChannelAsync();

        Assert.That(Header(again.BasicProperties, "x-delivery-count"), Is.EqualTo(1L));
        Assert.That(await channel.MessageCountAsync(queue), Is.Zero, "a second failed delivery is past the limit of 1");
    }
}
