using System.Text;
using AmqpBroker.InteropTests.Support;

namespace AmqpBroker.InteropTests;

/// <summary>
/// exchange.declare/delete/bind/unbind, the predeclared exchanges, auto-delete and internal exchanges,
/// exchange-to-exchange routing and alternate exchanges, with RabbitMQ 3.10's reply codes and texts.
/// </summary>
[TestFixture]
public sealed class ExchangeTests : BrokerTestBase
{
    private const string VHost = "in vhost '/'";

    // ---------------------------------------------------------------- declare

    [TestCase("direct")]
    [TestCase("fanout")]
    [TestCase("topic")]
    [TestCase("headers")]
    public async Task Declares_each_exchange_type(string type)
    {
        var channel = await OpenChannelAsync();
        var exchange = TrackExchange(UniqueName("x"));

        await channel.ExchangeDeclareAsync(exchange, type);
        await channel.ExchangeDeclarePassiveAsync(exchange);
        await channel.ExchangeDeclareAsync(exchange, type);

        // The redeclare with another type proves which type the exchange got.
        var other = type == "direct" ? "fanout" : "direct";
        var reason = await ExpectOperationInterruptedAsync(() => channel.ExchangeDeclareAsync(exchange, other));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(406));
            Assert.That(reason.ReplyText, Is.EqualTo($"PRECONDITION_FAILED - inequivalent arg 'type' for exchange '{exchange}' {VHost}: received '{other}' but current is '{type}'"));
        }
    }

    [TestCase("direct", "k", "k", true)]
    [TestCase("direct", "k", "K", false)]
    [TestCase("fanout", "", "anything", true)]
    [TestCase("topic", "a.*", "a.b", true)]
    [TestCase("topic", "a.*", "a.b.c", false)]
    public async Task Each_exchange_type_routes_by_its_rule(string type, string bindingKey, string routingKey, bool routed)
    {
        var channel = await ConfirmChannelAsync();
        var exchange = TrackExchange(UniqueName("x"));
        await channel.ExchangeDeclareAsync(exchange, type);
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, exchange, bindingKey);

        await PublishConfirmedAsync(channel, exchange, routingKey, "m");

        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(routed ? 1u : 0u));
    }

    [TestCase("amq.direct", "direct")]
    [TestCase("amq.fanout", "fanout")]
    [TestCase("amq.topic", "topic")]
    [TestCase("amq.headers", "headers")]
    [TestCase("amq.match", "headers")]
    public async Task Predeclared_exchanges_exist_with_their_types(string exchange, string type)
    {
        var channel = await OpenChannelAsync();

        await channel.ExchangeDeclarePassiveAsync(exchange);
        // An equivalent redeclare is accepted: the reserved prefix is only checked when creating.
        await channel.ExchangeDeclareAsync(exchange, type, durable: true);

        var other = type == "direct" ? "topic" : "direct";
        var reason = await ExpectOperationInterruptedAsync(() => channel.ExchangeDeclareAsync(exchange, other, durable: true));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(406));
            Assert.That(reason.ReplyText, Is.EqualTo($"PRECONDITION_FAILED - inequivalent arg 'type' for exchange '{exchange}' {VHost}: received '{other}' but current is '{type}'"));
        }
    }

    [Test]
    public async Task Predeclared_exchanges_are_durable()
    {
        var channel = await OpenChannelAsync();

        var reason = await ExpectOperationInterruptedAsync(() => channel.ExchangeDeclareAsync("amq.direct", "direct", durable: false));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(406));
            Assert.That(reason.ReplyText, Is.EqualTo($"PRECONDITION_FAILED - inequivalent arg 'durable' for exchange 'amq.direct' {VHost}: received 'false' but current is 'true'"));
        }
    }

    [Test]
    public async Task Declaring_a_new_exchange_with_the_amq_prefix_is_refused()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var exchange = "amq." + UniqueName("x");

        var reason = await ExpectOperationInterruptedAsync(() => channel.ExchangeDeclareAsync(exchange, "direct"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(403));
            Assert.That(reason.ReplyText, Is.EqualTo($"ACCESS_REFUSED - exchange name '{exchange}' contains reserved prefix 'amq.*'"));
            Assert.That(connection.IsOpen, Is.True, "a channel error");
        }

        var probe = await connection.CreateChannelAsync();
        var missing = await ExpectOperationInterruptedAsync(() => probe.ExchangeDeclarePassiveAsync(exchange));
        Assert.That(missing.ReplyCode, Is.EqualTo(404), "nothing was created");
    }

    [Test]
    public async Task Declaring_the_default_exchange_is_refused()
    {
        var channel = await OpenChannelAsync();

        var reason = await ExpectOperationInterruptedAsync(() => channel.ExchangeDeclareAsync(string.Empty, "direct", durable: true));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(403));
            Assert.That(reason.ReplyText, Is.EqualTo("ACCESS_REFUSED - operation not permitted on the default exchange"));
        }
    }

    [Test]
    public async Task Passive_declare_of_the_default_exchange_is_refused()
    {
        var channel = await OpenChannelAsync();

        var reason = await ExpectOperationInterruptedAsync(() => channel.ExchangeDeclarePassiveAsync(string.Empty));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(403));
            Assert.That(reason.ReplyText, Is.EqualTo("ACCESS_REFUSED - operation not permitted on the default exchange"));
        }
    }

    [Test]
    public async Task An_unknown_exchange_type_is_a_connection_error()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var exchange = TrackExchange(UniqueName("x"));

        var reason = await ExpectOperationInterruptedAsync(() => channel.ExchangeDeclareAsync(exchange, "no-such-type"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(503));
            Assert.That(reason.ReplyText, Is.EqualTo("COMMAND_INVALID - unknown exchange type 'no-such-type'"));
        }

        Assert.That(await EventuallyAsync(() => Task.FromResult(!connection.IsOpen)), Is.True, "503 closes the connection");
        Assert.That(await ExchangeExistsAsync(await ConnectAsync(), exchange), Is.False);
    }

    [Test]
    public async Task An_unknown_type_is_refused_even_for_an_existing_exchange()
    {
        var setup = await OpenChannelAsync();
        var exchange = TrackExchange(UniqueName("x"));
        await setup.ExchangeDeclareAsync(exchange, "direct");
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();

        var reason = await ExpectOperationInterruptedAsync(() => channel.ExchangeDeclareAsync(exchange, "no-such-type"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(503));
            Assert.That(reason.ReplyText, Is.EqualTo("COMMAND_INVALID - unknown exchange type 'no-such-type'"));
        }

        Assert.That(await EventuallyAsync(() => Task.FromResult(!connection.IsOpen)), Is.True);
    }

    [TestCase("durable", true, false, "received 'true' but current is 'false'")]
    [TestCase("auto_delete", false, false, "received 'false' but current is 'true'")]
    public async Task Redeclaring_with_other_flags_fails(string field, bool durable, bool autoDelete, string detail)
    {
        var channel = await OpenChannelAsync();
        var exchange = TrackExchange(UniqueName("x"));
        await channel.ExchangeDeclareAsync(exchange, "direct", durable: false, autoDelete: field == "auto_delete");

        var reason = await ExpectOperationInterruptedAsync(() => channel.ExchangeDeclareAsync(exchange, "direct", durable, autoDelete));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(406));
            Assert.That(reason.ReplyText, Is.EqualTo($"PRECONDITION_FAILED - inequivalent arg '{field}' for exchange '{exchange}' {VHost}: {detail}"));
        }

        Assert.That(await ExchangeExistsAsync(await ConnectAsync(), exchange), Is.True, "the exchange is left as it was");
    }

    [Test]
    public async Task The_type_is_compared_before_the_flags()
    {
        var channel = await OpenChannelAsync();
        var exchange = TrackExchange(UniqueName("x"));
        await channel.ExchangeDeclareAsync(exchange, "direct");

        var reason = await ExpectOperationInterruptedAsync(() => channel.ExchangeDeclareAsync(exchange, "fanout", durable: true, autoDelete: true));

        Assert.That(reason.ReplyText, Does.StartWith("PRECONDITION_FAILED - inequivalent arg 'type'"));
    }

    [Test]
    public async Task The_alternate_exchange_argument_must_match_on_redeclare()
    {
        var connection = await ConnectAsync();
        var exchange = TrackExchange(UniqueName("x"));
        var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(exchange, "direct", arguments: new Dictionary<string, object?> { ["alternate-exchange"] = "ae1" });

        // Same value again is fine.
        await channel.ExchangeDeclareAsync(exchange, "direct", arguments: new Dictionary<string, object?> { ["alternate-exchange"] = "ae1" });

        var changed = await ExpectOperationInterruptedAsync(() => channel.ExchangeDeclareAsync(
            exchange, "direct", arguments: new Dictionary<string, object?> { ["alternate-exchange"] = "ae2" }));
        channel = await connection.CreateChannelAsync();
        var missing = await ExpectOperationInterruptedAsync(() => channel.ExchangeDeclareAsync(exchange, "direct"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(changed.ReplyCode, Is.EqualTo(406));
            Assert.That(changed.ReplyText, Is.EqualTo($"PRECONDITION_FAILED - inequivalent arg 'alternate-exchange' for exchange '{exchange}' {VHost}: received 'ae2' but current is 'ae1'"));
            Assert.That(missing.ReplyCode, Is.EqualTo(406));
            Assert.That(missing.ReplyText, Is.EqualTo($"PRECONDITION_FAILED - inequivalent arg 'alternate-exchange' for exchange '{exchange}' {VHost}: received none but current is the value 'ae1' of type 'longstr'"));
        }
    }

    [Test]
    public async Task Adding_an_alternate_exchange_on_redeclare_fails()
    {
        var channel = await OpenChannelAsync();
        var exchange = TrackExchange(UniqueName("x"));
        await channel.ExchangeDeclareAsync(exchange, "fanout");

        var reason = await ExpectOperationInterruptedAsync(() => channel.ExchangeDeclareAsync(
            exchange, "fanout", arguments: new Dictionary<string, object?> { ["alternate-exchange"] = "ae" }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(406));
            Assert.That(reason.ReplyText, Is.EqualTo($"PRECONDITION_FAILED - inequivalent arg 'alternate-exchange' for exchange '{exchange}' {VHost}: received the value 'ae' of type 'longstr' but current is none"));
        }
    }

    [Test]
    public async Task Arguments_the_broker_does_not_interpret_may_differ_on_redeclare()
    {
        var channel = await OpenChannelAsync();
        var exchange = TrackExchange(UniqueName("x"));
        await channel.ExchangeDeclareAsync(exchange, "topic", arguments: new Dictionary<string, object?> { ["custom"] = "one", ["x-other"] = 1 });

        await channel.ExchangeDeclareAsync(exchange, "topic", arguments: new Dictionary<string, object?> { ["custom"] = "two" });
        await channel.ExchangeDeclareAsync(exchange, "topic");

        Assert.That(channel.IsOpen, Is.True);
    }

    [Test]
    public async Task Passive_declare_of_a_missing_exchange_is_404()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var exchange = UniqueName("missing");

        var reason = await ExpectOperationInterruptedAsync(() => channel.ExchangeDeclarePassiveAsync(exchange));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(404));
            Assert.That(reason.ReplyText, Is.EqualTo($"NOT_FOUND - no exchange '{exchange}' {VHost}"));
            Assert.That(channel.IsOpen, Is.False);
            Assert.That(connection.IsOpen, Is.True);
        }
    }

    // ---------------------------------------------------------------- delete

    [Test]
    public async Task Delete_if_unused_refuses_an_exchange_with_bindings()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var exchange = TrackExchange(UniqueName("x"));
        await channel.ExchangeDeclareAsync(exchange, "direct");
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, exchange, "k");

        var reason = await ExpectOperationInterruptedAsync(() => channel.ExchangeDeleteAsync(exchange, ifUnused: true));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(406));
            Assert.That(reason.ReplyText, Is.EqualTo($"PRECONDITION_FAILED - exchange '{exchange}' {VHost} in use"));
        }

        channel = await ConfirmChannelAsync();
        await PublishConfirmedAsync(channel, exchange, "k", "still routed");
        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1u), "the exchange and its binding are intact");

        await channel.QueueUnbindAsync(queue, exchange, "k");
        await channel.ExchangeDeleteAsync(exchange, ifUnused: true);
        Assert.That(await ExchangeExistsAsync(connection, exchange), Is.False);
    }

    [Test]
    public async Task Delete_if_unused_only_counts_bindings_where_the_exchange_is_the_source()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var source = TrackExchange(UniqueName("src"));
        var destination = TrackExchange(UniqueName("dst"));
        await channel.ExchangeDeclareAsync(source, "fanout");
        await channel.ExchangeDeclareAsync(destination, "fanout");
        await channel.ExchangeBindAsync(destination, source, string.Empty);

        await channel.ExchangeDeleteAsync(destination, ifUnused: true);

        Assert.That(await ExchangeExistsAsync(connection, destination), Is.False);
        // The binding went with it: the source is unused now.
        await channel.ExchangeDeleteAsync(source, ifUnused: true);
        Assert.That(await ExchangeExistsAsync(connection, source), Is.False);
    }

    [Test]
    public async Task Deleting_an_exchange_removes_its_bindings()
    {
        var channel = await ConfirmChannelAsync();
        var exchange = TrackExchange(UniqueName("x"));
        await channel.ExchangeDeclareAsync(exchange, "fanout");
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, exchange, string.Empty);

        await channel.ExchangeDeleteAsync(exchange);
        await channel.ExchangeDeclareAsync(exchange, "fanout");
        await PublishConfirmedAsync(channel, exchange, string.Empty, "m");

        Assert.That(await channel.MessageCountAsync(queue), Is.Zero);
    }

    [Test]
    public async Task Deleting_a_missing_exchange_succeeds()
    {
        var channel = await OpenChannelAsync();

        await channel.ExchangeDeleteAsync(UniqueName("missing"));
        await channel.ExchangeDeleteAsync(UniqueName("missing"), ifUnused: true);

        Assert.That(channel.IsOpen, Is.True);
    }

    [Test]
    public async Task Deleting_a_predeclared_exchange_is_refused()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();

        var reason = await ExpectOperationInterruptedAsync(() => channel.ExchangeDeleteAsync("amq.direct"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(403));
            Assert.That(reason.ReplyText, Is.EqualTo($"ACCESS_REFUSED - deletion of system exchange 'amq.direct' {VHost} not allowed"));
        }

        Assert.That(await ExchangeExistsAsync(connection, "amq.direct"), Is.True);
    }

    [Test]
    public async Task Deleting_the_default_exchange_is_refused()
    {
        var channel = await OpenChannelAsync();

        var reason = await ExpectOperationInterruptedAsync(() => channel.ExchangeDeleteAsync(string.Empty));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(403));
            Assert.That(reason.ReplyText, Is.EqualTo("ACCESS_REFUSED - operation not permitted on the default exchange"));
        }
    }

    // ---------------------------------------------------------------- auto-delete

    [Test]
    public async Task An_auto_delete_exchange_lives_until_it_has_had_a_binding()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var exchange = TrackExchange(UniqueName("ad"));

        await channel.ExchangeDeclareAsync(exchange, "fanout", autoDelete: true);
        await channel.CloseAsync();
        await Task.Delay(QuietPeriod);

        Assert.That(await ExchangeExistsAsync(connection, exchange), Is.True, "never bound: not deleted");
    }

    [Test]
    public async Task An_auto_delete_exchange_is_deleted_when_its_last_queue_binding_goes()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var exchange = TrackExchange(UniqueName("ad"));
        await channel.ExchangeDeclareAsync(exchange, "direct", autoDelete: true);
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, exchange, "a");
        await channel.QueueBindAsync(queue, exchange, "b");

        await channel.QueueUnbindAsync(queue, exchange, "a");
        Assert.That(await ExchangeExistsAsync(connection, exchange), Is.True, "one binding left");

        await channel.QueueUnbindAsync(queue, exchange, "b");
        Assert.That(await EventuallyAsync(async () => !await ExchangeExistsAsync(connection, exchange)), Is.True);
    }

    [Test]
    public async Task An_auto_delete_exchange_is_deleted_when_its_bound_queue_is_deleted()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var exchange = TrackExchange(UniqueName("ad"));
        await channel.ExchangeDeclareAsync(exchange, "fanout", autoDelete: true);
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, exchange, string.Empty);

        await channel.QueueDeleteAsync(queue);

        Assert.That(await EventuallyAsync(async () => !await ExchangeExistsAsync(connection, exchange)), Is.True);
    }

    [Test]
    public async Task An_auto_delete_exchange_is_deleted_when_its_last_exchange_binding_goes()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var source = TrackExchange(UniqueName("ad"));
        var destination = TrackExchange(UniqueName("dst"));
        await channel.ExchangeDeclareAsync(source, "fanout", autoDelete: true);
        await channel.ExchangeDeclareAsync(destination, "fanout");
        await channel.ExchangeBindAsync(destination, source, string.Empty);

        await channel.ExchangeUnbindAsync(destination, source, string.Empty);

        Assert.That(await EventuallyAsync(async () => !await ExchangeExistsAsync(connection, source)), Is.True);
        Assert.That(await ExchangeExistsAsync(connection, destination), Is.True);
    }

    [Test]
    public async Task An_auto_delete_exchange_is_not_deleted_when_a_binding_to_it_goes()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var source = TrackExchange(UniqueName("src"));
        var destination = TrackExchange(UniqueName("ad"));
        await channel.ExchangeDeclareAsync(source, "fanout");
        await channel.ExchangeDeclareAsync(destination, "fanout", autoDelete: true);
        await channel.ExchangeBindAsync(destination, source, string.Empty);

        await channel.ExchangeUnbindAsync(destination, source, string.Empty);
        await Task.Delay(QuietPeriod);

        Assert.That(await ExchangeExistsAsync(connection, destination), Is.True, "only bindings with it as the source count");
    }

    [Test]
    public async Task An_auto_delete_exchange_goes_when_the_exchange_it_is_bound_to_is_deleted()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var source = TrackExchange(UniqueName("ad"));
        var destination = TrackExchange(UniqueName("dst"));
        await channel.ExchangeDeclareAsync(source, "fanout", autoDelete: true);
        await channel.ExchangeDeclareAsync(destination, "fanout");
        await channel.ExchangeBindAsync(destination, source, string.Empty);

        await channel.ExchangeDeleteAsync(destination);

        Assert.That(await EventuallyAsync(async () => !await ExchangeExistsAsync(connection, source)), Is.True);
    }

    // ---------------------------------------------------------------- internal

    [Test]
    public async Task Publishing_to_an_internal_exchange_is_refused_with_403()
    {
        var exchange = TrackExchange(UniqueName("internal"));
        Assert.That(await RawExchangeDeclareAsync(exchange, "fanout", isInternal: true), Is.EqualTo((200, string.Empty)));
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var closed = WatchClose(channel);

        await channel.BasicPublishAsync(exchange, string.Empty, Encoding.UTF8.GetBytes("m"));

        var reason = await closed.WaitAsync(Timeout);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(403));
            Assert.That(reason.ReplyText, Is.EqualTo($"ACCESS_REFUSED - cannot publish to internal exchange '{exchange}' {VHost}"));
            Assert.That(connection.IsOpen, Is.True);
        }
    }

    [Test]
    public async Task An_internal_exchange_routes_what_reaches_it_through_an_exchange_binding()
    {
        var channel = await ConfirmChannelAsync();
        var inner = TrackExchange(UniqueName("internal"));
        var outer = TrackExchange(UniqueName("outer"));
        Assert.That(await RawExchangeDeclareAsync(inner, "direct", isInternal: true), Is.EqualTo((200, string.Empty)));
        await channel.ExchangeDeclareAsync(outer, "fanout");
        await channel.ExchangeBindAsync(inner, outer, string.Empty);
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, inner, "k");

        await PublishConfirmedAsync(channel, outer, "k", "via outer");
        await PublishConfirmedAsync(channel, outer, "other", "not matched by the internal exchange");

        var got = await channel.BasicGetAsync(queue, autoAck: true);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(got is null ? null : Text(got.Body), Is.EqualTo("via outer"));
            Assert.That(got?.Exchange, Is.EqualTo(outer), "deliveries name the exchange published to");
            Assert.That(await channel.MessageCountAsync(queue), Is.Zero);
        }
    }

    [Test]
    public async Task Redeclaring_an_internal_exchange_as_not_internal_fails()
    {
        var exchange = TrackExchange(UniqueName("internal"));
        Assert.That(await RawExchangeDeclareAsync(exchange, "topic", isInternal: true), Is.EqualTo((200, string.Empty)));
        var channel = await OpenChannelAsync();

        var reason = await ExpectOperationInterruptedAsync(() => channel.ExchangeDeclareAsync(exchange, "topic"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(406));
            Assert.That(reason.ReplyText, Is.EqualTo($"PRECONDITION_FAILED - inequivalent arg 'internal' for exchange '{exchange}' {VHost}: received 'false' but current is 'true'"));
        }

        Assert.That(await RawExchangeDeclareAsync(exchange, "topic", isInternal: true), Is.EqualTo((200, string.Empty)), "an equal redeclare is fine");
    }

    [Test]
    public async Task Redeclaring_an_exchange_as_internal_fails()
    {
        var exchange = TrackExchange(UniqueName("x"));
        var channel = await OpenChannelAsync();
        await channel.ExchangeDeclareAsync(exchange, "topic");

        var result = await RawExchangeDeclareAsync(exchange, "topic", isInternal: true);

        Assert.That(result, Is.EqualTo((406, $"PRECONDITION_FAILED - inequivalent arg 'internal' for exchange '{exchange}' {VHost}: received 'true' but current is 'false'")));
    }

    // ---------------------------------------------------------------- exchange-to-exchange bindings

    [Test]
    public async Task An_exchange_binding_routes_from_source_to_destination_and_unbind_stops_it()
    {
        var channel = await ConfirmChannelAsync();
        var source = TrackExchange(UniqueName("src"));
        var destination = TrackExchange(UniqueName("dst"));
        await channel.ExchangeDeclareAsync(source, "direct");
        await channel.ExchangeDeclareAsync(destination, "topic");
        await channel.ExchangeBindAsync(destination, source, "a.b");
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, destination, "a.*");

        await PublishConfirmedAsync(channel, source, "a.b", "1");
        await PublishConfirmedAsync(channel, source, "a.c", "not bound at the source");
        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1u));

        await channel.ExchangeUnbindAsync(destination, source, "a.b");
        await PublishConfirmedAsync(channel, source, "a.b", "2");
        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1u));
    }

    [Test]
    public async Task A_chain_of_exchange_bindings_delivers()
    {
        var channel = await ConfirmChannelAsync();
        var exchanges = new[] { UniqueName("x1"), UniqueName("x2"), UniqueName("x3"), UniqueName("x4") };
        foreach (var exchange in exchanges)
        {
            await channel.ExchangeDeclareAsync(TrackExchange(exchange), "fanout");
        }

        for (var i = 1; i < exchanges.Length; i++)
        {
            await channel.ExchangeBindAsync(exchanges[i], exchanges[i - 1], string.Empty);
        }

        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, exchanges[^1], string.Empty);

        await PublishConfirmedAsync(channel, exchanges[0], "k", "m");

        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1u));
    }

    [Test]
    public async Task A_loop_of_exchange_bindings_delivers_each_message_once()
    {
        var channel = await ConfirmChannelAsync();
        var x1 = TrackExchange(UniqueName("x1"));
        var x2 = TrackExchange(UniqueName("x2"));
        await channel.ExchangeDeclareAsync(x1, "fanout");
        await channel.ExchangeDeclareAsync(x2, "fanout");
        await channel.ExchangeBindAsync(x2, x1, string.Empty);
        await channel.ExchangeBindAsync(x1, x2, string.Empty);
        var q1 = await DeclareQueueAsync(channel, "q1");
        var q2 = await DeclareQueueAsync(channel, "q2");
        await channel.QueueBindAsync(q1, x1, string.Empty);
        await channel.QueueBindAsync(q2, x2, string.Empty);

        await PublishConfirmedAsync(channel, x1, string.Empty, "a");
        await PublishConfirmedAsync(channel, x2, string.Empty, "b");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await channel.MessageCountAsync(q1), Is.EqualTo(2u));
            Assert.That(await channel.MessageCountAsync(q2), Is.EqualTo(2u));
        }
    }

    [Test]
    public async Task An_exchange_bound_to_itself_routes_once()
    {
        var channel = await ConfirmChannelAsync();
        var exchange = TrackExchange(UniqueName("x"));
        await channel.ExchangeDeclareAsync(exchange, "fanout");
        await channel.ExchangeBindAsync(exchange, exchange, string.Empty);
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, exchange, string.Empty);

        await PublishConfirmedAsync(channel, exchange, string.Empty, "m");

        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1u));
    }

    [Test]
    public async Task A_queue_reached_by_several_paths_gets_one_copy()
    {
        var channel = await ConfirmChannelAsync();
        var top = TrackExchange(UniqueName("top"));
        var left = TrackExchange(UniqueName("left"));
        var right = TrackExchange(UniqueName("right"));
        await channel.ExchangeDeclareAsync(top, "topic");
        await channel.ExchangeDeclareAsync(left, "fanout");
        await channel.ExchangeDeclareAsync(right, "direct");
        await channel.ExchangeBindAsync(left, top, "a.*");
        await channel.ExchangeBindAsync(left, top, "#");
        await channel.ExchangeBindAsync(right, top, "a.b");
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, top, "a.b");
        await channel.QueueBindAsync(queue, top, "*.b");
        await channel.QueueBindAsync(queue, left, string.Empty);
        await channel.QueueBindAsync(queue, right, "a.b");

        await PublishConfirmedAsync(channel, top, "a.b", "m");

        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1u));
    }

    [Test]
    public async Task Exchange_bind_with_a_missing_exchange_is_404()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var existing = TrackExchange(UniqueName("x"));
        await channel.ExchangeDeclareAsync(existing, "fanout");
        var missing = UniqueName("missing");

        var noSource = await ExpectOperationInterruptedAsync(() => channel.ExchangeBindAsync(existing, missing, string.Empty));
        channel = await connection.CreateChannelAsync();
        var noDestination = await ExpectOperationInterruptedAsync(() => channel.ExchangeBindAsync(missing, existing, string.Empty));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(noSource.ReplyCode, Is.EqualTo(404));
            Assert.That(noSource.ReplyText, Is.EqualTo($"NOT_FOUND - no exchange '{missing}' {VHost}"));
            Assert.That(noDestination.ReplyCode, Is.EqualTo(404));
            Assert.That(noDestination.ReplyText, Is.EqualTo($"NOT_FOUND - no exchange '{missing}' {VHost}"));
        }
    }

    [Test]
    public async Task Exchange_unbind_of_a_binding_or_exchange_that_does_not_exist_succeeds()
    {
        var channel = await OpenChannelAsync();
        var source = TrackExchange(UniqueName("src"));
        var destination = TrackExchange(UniqueName("dst"));
        await channel.ExchangeDeclareAsync(source, "direct");
        await channel.ExchangeDeclareAsync(destination, "direct");

        await channel.ExchangeUnbindAsync(destination, source, "never-bound");
        await channel.ExchangeUnbindAsync(UniqueName("missing"), source, "k");
        await channel.ExchangeUnbindAsync(destination, UniqueName("missing"), "k");

        Assert.That(channel.IsOpen, Is.True);
    }

    [Test]
    public async Task Exchange_bindings_with_the_default_exchange_are_refused()
    {
        var connection = await ConnectAsync();
        var exchange = TrackExchange(UniqueName("x"));
        var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(exchange, "fanout");

        var asSource = await ExpectOperationInterruptedAsync(() => channel.ExchangeBindAsync(exchange, string.Empty, "k"));
        channel = await connection.CreateChannelAsync();
        var asDestination = await ExpectOperationInterruptedAsync(() => channel.ExchangeBindAsync(string.Empty, exchange, "k"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(asSource.ReplyCode, Is.EqualTo(403));
            Assert.That(asSource.ReplyText, Is.EqualTo("ACCESS_REFUSED - operation not permitted on the default exchange"));
            Assert.That(asDestination.ReplyCode, Is.EqualTo(403));
            Assert.That(asDestination.ReplyText, Is.EqualTo("ACCESS_REFUSED - operation not permitted on the default exchange"));
        }
    }

    // ---------------------------------------------------------------- alternate exchange

    [Test]
    public async Task Unroutable_messages_go_to_the_alternate_exchange()
    {
        var channel = await ConfirmChannelAsync();
        var (exchange, _) = await DeclareWithAlternateAsync(channel);
        var bound = await DeclareQueueAsync(channel, "bound");
        var spill = await DeclareQueueAsync(channel, "spill");
        await channel.QueueBindAsync(bound, exchange, "k");
        await channel.QueueBindAsync(spill, AlternateOf(exchange), string.Empty);

        await PublishConfirmedAsync(channel, exchange, "k", "routed");
        await PublishConfirmedAsync(channel, exchange, "other", "unroutable");

        var got = await channel.BasicGetAsync(spill, autoAck: true);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await channel.MessageCountAsync(bound), Is.EqualTo(1u));
            Assert.That(got is null ? null : Text(got.Body), Is.EqualTo("unroutable"));
            Assert.That(got?.Exchange, Is.EqualTo(exchange), "the delivery names the exchange published to");
            Assert.That(got?.RoutingKey, Is.EqualTo("other"));
        }
    }

    [Test]
    public async Task A_mandatory_message_routed_by_the_alternate_exchange_is_not_returned()
    {
        var channel = await ConfirmChannelAsync();
        var returns = CollectReturns(channel);
        var (exchange, alternate) = await DeclareWithAlternateAsync(channel);
        var spill = await DeclareQueueAsync(channel, "spill");
        await channel.QueueBindAsync(spill, alternate, string.Empty);

        var returned = await PublishConfirmedAsync(channel, exchange, "nobody", "m", mandatory: true);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(returned, Is.False);
            Assert.That(returns, Is.Empty);
            Assert.That(await channel.MessageCountAsync(spill), Is.EqualTo(1u));
        }
    }

    [Test]
    public async Task A_missing_alternate_exchange_drops_the_message_or_returns_it_when_mandatory()
    {
        var channel = await ConfirmChannelAsync();
        var returns = CollectReturns(channel);
        var exchange = TrackExchange(UniqueName("x"));
        var missing = UniqueName("missing-ae");
        await channel.ExchangeDeclareAsync(exchange, "direct", arguments: new Dictionary<string, object?> { ["alternate-exchange"] = missing });

        var dropped = await PublishConfirmedAsync(channel, exchange, "nobody", "dropped");
        var returned = await PublishConfirmedAsync(channel, exchange, "nobody", "returned", mandatory: true);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(dropped, Is.False);
            Assert.That(returned, Is.True);
            Assert.That(returns.Select(r => (r.ReplyCode, r.ReplyText, r.Exchange, r.RoutingKey, r.Body)), Is.EqualTo(new[] { ((ushort)312, "NO_ROUTE", exchange, "nobody", "returned") }));
            Assert.That(channel.IsOpen, Is.True);
        }
    }

    [Test]
    public async Task An_alternate_exchange_that_routes_nowhere_returns_mandatory_messages()
    {
        var channel = await ConfirmChannelAsync();
        var returns = CollectReturns(channel);
        var (exchange, _) = await DeclareWithAlternateAsync(channel);

        var returned = await PublishConfirmedAsync(channel, exchange, "nobody", "m", mandatory: true);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(returned, Is.True);
            Assert.That(returns.Select(r => (r.ReplyCode, r.Exchange)), Is.EqualTo(new[] { ((ushort)312, exchange) }));
        }
    }

    [Test]
    public async Task Alternate_exchanges_chain()
    {
        var channel = await ConfirmChannelAsync();
        var first = TrackExchange(UniqueName("first"));
        var second = TrackExchange(UniqueName("second"));
        var third = TrackExchange(UniqueName("third"));
        await channel.ExchangeDeclareAsync(third, "fanout");
        await channel.ExchangeDeclareAsync(second, "direct", arguments: new Dictionary<string, object?> { ["alternate-exchange"] = third });
        await channel.ExchangeDeclareAsync(first, "direct", arguments: new Dictionary<string, object?> { ["alternate-exchange"] = second });
        var atSecond = await DeclareQueueAsync(channel, "second");
        var atThird = await DeclareQueueAsync(channel, "third");
        await channel.QueueBindAsync(atSecond, second, "s");
        await channel.QueueBindAsync(atThird, third, string.Empty);

        await PublishConfirmedAsync(channel, first, "s", "caught by the second");
        await PublishConfirmedAsync(channel, first, "z", "caught by the third");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await channel.MessageCountAsync(atSecond), Is.EqualTo(1u));
            Assert.That(await channel.MessageCountAsync(atThird), Is.EqualTo(1u));
        }
    }

    [Test]
    public async Task Alternate_exchanges_in_a_cycle_do_not_loop()
    {
        var channel = await ConfirmChannelAsync();
        var returns = CollectReturns(channel);
        var x1 = TrackExchange(UniqueName("x1"));
        var x2 = TrackExchange(UniqueName("x2"));
        await channel.ExchangeDeclareAsync(x1, "direct", arguments: new Dictionary<string, object?> { ["alternate-exchange"] = x2 });
        await channel.ExchangeDeclareAsync(x2, "direct", arguments: new Dictionary<string, object?> { ["alternate-exchange"] = x1 });
        var queue = await DeclareQueueAsync(channel);
        await channel.QueueBindAsync(queue, x2, "k2");

        var returned = await PublishConfirmedAsync(channel, x1, "nobody", "m", mandatory: true);
        await PublishConfirmedAsync(channel, x1, "k2", "reaches x2's queue");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(returned, Is.True);
            Assert.That(returns, Has.Count.EqualTo(1));
            Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1u));
        }
    }

    // ---------------------------------------------------------------- default exchange

    [Test]
    public async Task Binding_a_queue_to_the_default_exchange_is_refused()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = await DeclareQueueAsync(channel);

        var bind = await ExpectOperationInterruptedAsync(() => channel.QueueBindAsync(queue, string.Empty, "other"));
        channel = await connection.CreateChannelAsync();
        var unbind = await ExpectOperationInterruptedAsync(() => channel.QueueUnbindAsync(queue, string.Empty, queue));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(bind.ReplyCode, Is.EqualTo(403));
            Assert.That(bind.ReplyText, Is.EqualTo("ACCESS_REFUSED - operation not permitted on the default exchange"));
            Assert.That(unbind.ReplyCode, Is.EqualTo(403));
            Assert.That(unbind.ReplyText, Is.EqualTo("ACCESS_REFUSED - operation not permitted on the default exchange"));
        }

        channel = await ConfirmChannelAsync();
        await PublishConfirmedAsync(channel, string.Empty, queue, "still routed by name");
        Assert.That(await channel.MessageCountAsync(queue), Is.EqualTo(1u));
    }

    [Test]
    public async Task Publishing_to_a_missing_exchange_closes_the_channel_with_404()
    {
        var connection = await ConnectAsync();
        var channel = await connection.CreateChannelAsync();
        var closed = WatchClose(channel);
        var exchange = UniqueName("missing");

        await channel.BasicPublishAsync(exchange, "k", Encoding.UTF8.GetBytes("m"));

        var reason = await closed.WaitAsync(Timeout);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reason.ReplyCode, Is.EqualTo(404));
            Assert.That(reason.ReplyText, Is.EqualTo($"NOT_FOUND - no exchange '{exchange}' {VHost}"));
            Assert.That(connection.IsOpen, Is.True);
        }
    }

    [Test]
    public async Task The_default_exchange_returns_a_mandatory_message_for_a_missing_queue()
    {
        var channel = await ConfirmChannelAsync();
        var returns = CollectReturns(channel);

        var returned = await PublishConfirmedAsync(channel, string.Empty, UniqueName("no-such-queue"), "m", mandatory: true);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(returned, Is.True, "the default exchange routes only to a queue of that name");
            Assert.That(returns.Select(r => (r.ReplyCode, r.Exchange)), Is.EqualTo(new[] { ((ushort)312, string.Empty) }));
        }
    }

    // ---------------------------------------------------------------- helpers

    private async Task<IChannel> ConfirmChannelAsync() =>
        await OpenChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));

    /// <summary>Publishes and waits for the confirm; true when the broker returned the (mandatory) message.</summary>
    private static async Task<bool> PublishConfirmedAsync(IChannel channel, string exchange, string routingKey, string body, bool mandatory = false)
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

    private static List<Returned> CollectReturns(IChannel channel)
    {
        var returns = new List<Returned>();
        channel.BasicReturnAsync += (_, args) =>
        {
            lock (returns)
            {
                // The body is only valid during the callback.
                returns.Add(new Returned(args.ReplyCode, args.ReplyText, args.Exchange, args.RoutingKey, Text(args.Body)));
            }

            return Task.CompletedTask;
        };
        return returns;
    }

    private static string AlternateOf(string exchange) => exchange + ".ae";

    /// <summary>A direct exchange whose alternate exchange is a fanout named <c>exchange.ae</c>.</summary>
    private async Task<(string Exchange, string Alternate)> DeclareWithAlternateAsync(IChannel channel)
    {
        var exchange = TrackExchange(UniqueName("x"));
        var alternate = TrackExchange(AlternateOf(exchange));
        await channel.ExchangeDeclareAsync(alternate, "fanout");
        await channel.ExchangeDeclareAsync(exchange, "direct", arguments: new Dictionary<string, object?> { ["alternate-exchange"] = alternate });
        return (exchange, alternate);
    }

    private static async Task<bool> ExchangeExistsAsync(IConnection connection, string exchange)
    {
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            await channel.ExchangeDeclarePassiveAsync(exchange);
            return true;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return false;
        }
    }

    /// <summary>
    /// exchange.declare over a bare socket, for the one flag RabbitMQ.Client cannot send: internal.
    /// Returns (200, "") for declare-ok, or the channel.close code and text.
    /// </summary>
    private async Task<(int Code, string Text)> RawExchangeDeclareAsync(string name, string type, bool isInternal)
    {
        await using var raw = await RawClient.ConnectAsync(AmqpUri);
        await raw.OpenChannelAsync(1);
        await raw.SendMethodAsync(1, 40, 10, w => w.Short(0).ShortStr(name).ShortStr(type).Octet((byte)(isInternal ? 1 << 3 : 0)).EmptyTable());

        var reply = await raw.ReadMethodAsync();
        switch (reply)
        {
            case { ClassId: 40, MethodId: 11 }:
                return (200, string.Empty);
            case { ClassId: 20, MethodId: 40 }:
                var close = RawClient.ParseClose(reply.Args);
                await raw.SendMethodAsync(1, 20, 41);
                return (close.ReplyCode, close.ReplyText);
            default:
                Assert.Fail($"unexpected reply {reply.ClassId}.{reply.MethodId} to exchange.declare");
                throw new InvalidOperationException("unreachable");
        }
    }

    private sealed record Returned(ushort ReplyCode, string ReplyText, string Exchange, string RoutingKey, string Body);
}
