namespace AmqpBroker.InteropTests.Amqp.Queues;

/// <summary>queue.bind/unbind: missing queues and exchanges, idempotent binds, unbinding what is not bound, binding arguments.</summary>
public sealed class QueueBindingTests : BrokerTestBase
{
    [Test]
    public async Task Bind_and_unbind_on_amq_direct()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync(ConfirmOptions);

        await channel.QueueBindAsync(queue, "amq.direct", "k1");
        await channel.QueueBindAsync(queue, "amq.direct", "k1");   // binding twice is one binding
        await channel.QueueBindAsync(queue, "amq.direct", "k2");
        await channel.BasicPublishAsync("amq.direct", "k1", Encoding.UTF8.GetBytes("one"));
        await channel.BasicPublishAsync("amq.direct", "k2", Encoding.UTF8.GetBytes("two"));
        await channel.BasicPublishAsync("amq.direct", "k3", Encoding.UTF8.GetBytes("unbound"));
        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(2));

        var first = await channel.BasicGetAsync(queue, autoAck: true);
        Assert.That((first?.Exchange, first?.RoutingKey, first is null ? null : Text(first.Body)), Is.EqualTo(("amq.direct", "k1", "one")));

        await channel.QueueUnbindAsync(queue, "amq.direct", "k1");
        await channel.BasicPublishAsync("amq.direct", "k1", Encoding.UTF8.GetBytes("after unbind"));
        await channel.BasicPublishAsync("amq.direct", "k2", Encoding.UTF8.GetBytes("still bound"));

        var rest = await DrainAsync(channel, queue);
        Assert.That(string.Join(",", rest), Is.EqualTo("two,still bound"));
    }

    [Test]
    public async Task Binding_twice_is_one_binding_and_unbind_removes_it()
    {
        var channel = await OpenConfirmChannelAsync();
        var exchange = await DeclareExchangeAsync(channel, "direct");
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
        var channel = await OpenConfirmChannelAsync();
        var exchange = await DeclareExchangeAsync(channel, "direct");
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
    public async Task Binding_a_missing_queue_is_404()
    {
        var channel = await OpenChannelAsync();
        var queue = UniqueName("missing");

        await ExpectClosedAsync(() => channel.QueueBindAsync(queue, "amq.direct", "k"), 404, $"NOT_FOUND - no queue '{queue}' {InDefaultVhost}");
    }

    [Test]
    public async Task Binding_to_a_missing_exchange_is_404()
    {
        var (connection, channel) = await ConnectWithChannelAsync();
        var queue = await DeclareQueueAsync(channel);
        var exchange = UniqueName("missing");

        await ExpectClosedAsync(() => channel.QueueBindAsync(queue, exchange, "k"), 404, $"NOT_FOUND - no exchange '{exchange}' {InDefaultVhost}");
    }

    [Test]
    public async Task Binding_when_both_are_missing_names_the_exchange()
    {
        var channel = await OpenChannelAsync();
        var queue = UniqueName("missing-q");
        var exchange = UniqueName("missing-x");

        await ExpectClosedAsync(() => channel.QueueBindAsync(queue, exchange, "k"), 404, $"NOT_FOUND - no exchange '{exchange}' {InDefaultVhost}");
    }

    [Test]
    public async Task Unbinding_a_missing_queue_or_exchange_succeeds()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();

        await channel.QueueUnbindAsync(UniqueName("missing-q"), "amq.direct", "k");
        await channel.QueueUnbindAsync(queue, UniqueName("missing-x"), "k");
        await channel.QueueUnbindAsync(UniqueName("missing-q"), UniqueName("missing-x"), "k");

        Assert.That(channel.IsOpen, Is.True);
    }

    [Test]
    public async Task Unbinding_a_binding_that_does_not_exist_succeeds()
    {
        var (channel, queue) = await OpenChannelWithQueueAsync();
        await channel.QueueBindAsync(queue, "amq.topic", "a.b");

        await channel.QueueUnbindAsync(queue, "amq.topic", "never.bound");
        await channel.QueueUnbindAsync(queue, "amq.topic", "a.b", new Dictionary<string, object?> { ["other"] = "args" });
        await channel.QueueUnbindAsync(queue, "amq.direct", "k");

        Assert.That(channel.IsOpen, Is.True);
    }
}
