using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Protocol.Methods;

namespace AmqpBroker.Core.Tests.VirtualHosts;

/// <summary>
/// queue.declare / exchange.declare / delete rules. Expected texts were checked against RabbitMQ 3.10 with
/// raw frames; where RabbitMQ differs from the spec, the test follows RabbitMQ and says so.
/// </summary>
[TestFixture]
public sealed class DeclareTests : BrokerFixture
{
    private static readonly Dictionary<string, object?> NoArguments = [];

    [Test]
    public void Redeclaring_a_queue_with_the_same_properties_returns_it()
    {
        var first = VirtualHost.DeclareQueue(TestData.QueueDefinition("q", durable: true, arguments: new Dictionary<string, object?> { ["x-max-length"] = 5 }), Connection, passive: false);
        var second = VirtualHost.DeclareQueue(TestData.QueueDefinition("q", durable: true, arguments: new Dictionary<string, object?> { ["x-max-length"] = 5 }), Connection, passive: false);

        Assert.That(second, Is.SameAs(first));
    }

    [Test]
    public void Redeclaring_a_queue_with_another_durable_flag_fails_with_rabbitmqs_message()
    {
        VirtualHost.DeclareQueue(TestData.QueueDefinition("q", durable: false), Connection, passive: false);

        var ex = Assert.Throws<AmqpException>(() => VirtualHost.DeclareQueue(TestData.QueueDefinition("q", durable: true), Connection, passive: false));

        Assert.That(ex.Code, Is.EqualTo(ReplyCode.PreconditionFailed));
        Assert.That(ex.IsConnectionError, Is.False);
        Assert.That(ex.Message, Is.EqualTo("inequivalent arg 'durable' for queue 'q' in vhost '/': received 'true' but current is 'false'"));
        Assert.That(ex.ReplyText, Is.EqualTo("PRECONDITION_FAILED - inequivalent arg 'durable' for queue 'q' in vhost '/': received 'true' but current is 'false'"));
    }

    [Test]
    public void Redeclaring_a_queue_with_another_auto_delete_flag_fails()
    {
        VirtualHost.DeclareQueue(TestData.QueueDefinition("q"), Connection, passive: false);

        var ex = Assert.Throws<AmqpException>(() => VirtualHost.DeclareQueue(TestData.QueueDefinition("q", autoDelete: true), Connection, passive: false));

        Assert.That(ex.Code, Is.EqualTo(ReplyCode.PreconditionFailed));
        Assert.That(ex.Message, Is.EqualTo("inequivalent arg 'auto_delete' for queue 'q' in vhost '/': received 'true' but current is 'false'"));
    }

    [Test]
    public void Redeclaring_a_queue_with_another_argument_value_fails()
    {
        VirtualHost.DeclareQueue(TestData.QueueDefinition("q", arguments: new Dictionary<string, object?> { ["x-max-length"] = 1 }), Connection, passive: false);

        var ex = Assert.Throws<AmqpException>(() => VirtualHost.DeclareQueue(TestData.QueueDefinition("q", arguments: new Dictionary<string, object?> { ["x-max-length"] = 2 }), Connection, passive: false));

        Assert.That(ex.Code, Is.EqualTo(ReplyCode.PreconditionFailed));
        Assert.That(ex.Message, Does.StartWith("inequivalent arg 'x-max-length' for queue 'q' in vhost '/': received "));
    }

    [Test]
    public void Redeclaring_a_queue_with_another_argument_value_names_both_values_as_rabbitmq_does()
    {
        // RabbitMQ 3.10 (checked): "... received '2' but current is '1'" when both declarations carry the argument.
        VirtualHost.DeclareQueue(TestData.QueueDefinition("q", arguments: new Dictionary<string, object?> { ["x-max-length"] = 1 }), Connection, passive: false);

        var ex = Assert.Throws<AmqpException>(() => VirtualHost.DeclareQueue(TestData.QueueDefinition("q", arguments: new Dictionary<string, object?> { ["x-max-length"] = 2 }), Connection, passive: false));

        Assert.That(ex.Message, Is.EqualTo("inequivalent arg 'x-max-length' for queue 'q' in vhost '/': received '2' but current is '1'"));
    }

    [Test]
    public void Redeclaring_a_queue_with_an_added_argument_names_its_amqp_type_as_rabbitmq_does()
    {
        // RabbitMQ 3.10 (checked): an int ('I') argument is reported as type 'signedint'.
        VirtualHost.DeclareQueue(TestData.QueueDefinition("q"), Connection, passive: false);

        var ex = Assert.Throws<AmqpException>(() => VirtualHost.DeclareQueue(TestData.QueueDefinition("q", arguments: new Dictionary<string, object?> { ["x-max-length"] = 2 }), Connection, passive: false));

        Assert.That(ex.Code, Is.EqualTo(ReplyCode.PreconditionFailed));
        Assert.That(ex.Message, Is.EqualTo("inequivalent arg 'x-max-length' for queue 'q' in vhost '/': received the value '2' of type 'signedint' but current is none"));
    }

    [Test]
    public void An_integer_argument_is_equivalent_whatever_integer_type_carries_it()
    {
        // RabbitMQ compares argument values by type class: 'I' 5 (one client) and 'l' 5 (another, or a
        // definitions import) are the same x-max-length.
        VirtualHost.DeclareQueue(TestData.QueueDefinition("q", arguments: new Dictionary<string, object?> { ["x-max-length"] = 5 }), Connection, passive: false);

        Assert.DoesNotThrow(() => VirtualHost.DeclareQueue(TestData.QueueDefinition("q", arguments: new Dictionary<string, object?> { ["x-max-length"] = 5L }), Connection, passive: false));
    }

    [Test]
    public void Arguments_rabbitmq_does_not_check_may_differ_on_redeclare()
    {
        // RabbitMQ 3.10 (checked): declare q with {x-foo: 1}, redeclare with {x-foo: 2} -> declare-ok. Only the
        // arguments RabbitMQ interprets (x-message-ttl, x-max-length, x-dead-letter-exchange, ...) must match.
        VirtualHost.DeclareQueue(TestData.QueueDefinition("q", arguments: new Dictionary<string, object?> { ["x-foo"] = 1 }), Connection, passive: false);

        Assert.DoesNotThrow(() => VirtualHost.DeclareQueue(TestData.QueueDefinition("q", arguments: new Dictionary<string, object?> { ["x-foo"] = 2 }), Connection, passive: false));
    }

    [Test]
    public void Redeclaring_a_shared_queue_as_exclusive_is_resource_locked()
    {
        // RabbitMQ 3.10 (checked): 405 "cannot obtain exclusive access to locked queue ...".
        VirtualHost.DeclareQueue(TestData.QueueDefinition("q"), Connection, passive: false);

        var ex = Assert.Throws<AmqpException>(() => VirtualHost.DeclareQueue(TestData.QueueDefinition("q", exclusive: true), Connection, passive: false));

        Assert.That(ex.Code, Is.EqualTo(ReplyCode.ResourceLocked));
    }

    [Test]
    public void Redeclaring_ones_own_exclusive_queue_as_not_exclusive_is_resource_locked()
    {
        // RabbitMQ 3.10 (checked): the same connection gets 405 too; the exclusive flag must match.
        VirtualHost.DeclareQueue(TestData.QueueDefinition("q", exclusive: true), Connection, passive: false);

        var ex = Assert.Throws<AmqpException>(() => VirtualHost.DeclareQueue(TestData.QueueDefinition("q", exclusive: false), Connection, passive: false));

        Assert.That(ex.Code, Is.EqualTo(ReplyCode.ResourceLocked));
    }

    [Test]
    public void A_passive_declare_finds_a_queue_without_comparing_properties()
    {
        var queue = VirtualHost.DeclareQueue(TestData.QueueDefinition("q", durable: true), Connection, passive: false);

        Assert.That(VirtualHost.DeclareQueue(TestData.QueueDefinition("q", durable: false, autoDelete: true), Connection, passive: true), Is.SameAs(queue));
    }

    [Test]
    public void A_passive_declare_of_a_missing_queue_is_not_found()
    {
        var ex = Assert.Throws<AmqpException>(() => VirtualHost.DeclareQueue(TestData.QueueDefinition("nope"), Connection, passive: true));

        Assert.That(ex.Code, Is.EqualTo(ReplyCode.NotFound));
        Assert.That(ex.IsConnectionError, Is.False);
        Assert.That(ex.ReplyText, Is.EqualTo("NOT_FOUND - no queue 'nope' in vhost '/'"));
    }

    [Test]
    public void A_passive_declare_of_a_missing_exchange_is_not_found()
    {
        var ex = Assert.Throws<AmqpException>(() => VirtualHost.DeclareExchange(TestData.ExchangeDefinition("nope", ExchangeTypes.Direct), passive: true));

        Assert.That(ex.Code, Is.EqualTo(ReplyCode.NotFound));
        Assert.That(ex.ReplyText, Is.EqualTo("NOT_FOUND - no exchange 'nope' in vhost '/'"));
    }

    [TestCase("amq.foo")]
    [TestCase("amq.gen-client-chosen")]
    public void A_client_chosen_queue_name_with_the_reserved_prefix_is_refused(string name)
    {
        var ex = Assert.Throws<AmqpException>(() => VirtualHost.DeclareQueue(TestData.QueueDefinition(name), Connection, passive: false));

        Assert.That(ex.Code, Is.EqualTo(ReplyCode.AccessRefused));
        Assert.That(ex.IsConnectionError, Is.False);
        Assert.That(ex.Message, Is.EqualTo($"queue name '{name}' contains reserved prefix 'amq.*'"));
        Assert.That(VirtualHost.FindQueue(name), Is.Null);
    }

    [Test]
    public void A_server_generated_queue_name_may_use_the_reserved_prefix()
    {
        var queue = VirtualHost.DeclareQueue(TestData.QueueDefinition("amq.gen-abc"), Connection, passive: false, serverNamed: true);

        Assert.That(VirtualHost.FindQueue("amq.gen-abc"), Is.SameAs(queue));
    }

    [Test]
    public void A_new_exchange_name_with_the_reserved_prefix_is_refused()
    {
        var ex = Assert.Throws<AmqpException>(() => VirtualHost.DeclareExchange(TestData.ExchangeDefinition("amq.foo", ExchangeTypes.Direct), passive: false));

        Assert.That(ex.Code, Is.EqualTo(ReplyCode.AccessRefused));
        Assert.That(ex.Message, Is.EqualTo("exchange name 'amq.foo' contains reserved prefix 'amq.*'"));
    }

    [Test]
    public void Redeclaring_a_predeclared_exchange_with_its_own_properties_is_allowed()
    {
        // RabbitMQ 3.10 (checked): exchange.declare amq.direct, direct, durable -> declare-ok.
        var existing = VirtualHost.GetExchange("amq.direct");

        Assert.That(VirtualHost.DeclareExchange(TestData.ExchangeDefinition("amq.direct", ExchangeTypes.Direct, durable: true), passive: false), Is.SameAs(existing));
    }

    [Test]
    public void Declaring_the_default_exchange_is_refused()
    {
        var ex = Assert.Throws<AmqpException>(() => VirtualHost.DeclareExchange(TestData.ExchangeDefinition("", ExchangeTypes.Direct), passive: false));

        Assert.That(ex.Code, Is.EqualTo(ReplyCode.AccessRefused));
    }

    [Test]
    public void An_unknown_exchange_type_is_a_command_invalid_connection_error()
    {
        var ex = Assert.Throws<AmqpException>(() => VirtualHost.DeclareExchange(TestData.ExchangeDefinition("x", "bogus"), passive: false));

        Assert.That(ex.Code, Is.EqualTo(ReplyCode.CommandInvalid));
        Assert.That(ex.IsConnectionError, Is.True);
        Assert.That(ex.ReplyText, Is.EqualTo("COMMAND_INVALID - unknown exchange type 'bogus'"));
        Assert.That(VirtualHost.Exchanges.Any(e => e.Name == "x"), Is.False);
    }

    [Test]
    public void An_unknown_exchange_type_is_reported_before_the_reserved_name()
    {
        // RabbitMQ 3.10 (checked): exchange.declare amq.zz of type bogus -> 503 unknown exchange type.
        var ex = Assert.Throws<AmqpException>(() => VirtualHost.DeclareExchange(TestData.ExchangeDefinition("amq.zz", "bogus"), passive: false));

        Assert.That(ex.Code, Is.EqualTo(ReplyCode.CommandInvalid));
    }

    [Test]
    public void An_unknown_exchange_type_is_reported_even_for_an_existing_exchange()
    {
        // RabbitMQ 3.10 (checked): redeclaring an existing direct exchange as type bogus -> 503, not 406.
        VirtualHost.DeclareExchange(TestData.ExchangeDefinition("x", ExchangeTypes.Direct), passive: false);

        var ex = Assert.Throws<AmqpException>(() => VirtualHost.DeclareExchange(TestData.ExchangeDefinition("x", "bogus"), passive: false));

        Assert.That(ex.Code, Is.EqualTo(ReplyCode.CommandInvalid));
    }

    [Test]
    public void Redeclaring_an_exchange_with_another_type_fails_with_rabbitmqs_message()
    {
        VirtualHost.DeclareExchange(TestData.ExchangeDefinition("x", ExchangeTypes.Direct), passive: false);

        var ex = Assert.Throws<AmqpException>(() => VirtualHost.DeclareExchange(TestData.ExchangeDefinition("x", ExchangeTypes.Fanout), passive: false));

        Assert.That(ex.Code, Is.EqualTo(ReplyCode.PreconditionFailed));
        Assert.That(ex.Message, Is.EqualTo("inequivalent arg 'type' for exchange 'x' in vhost '/': received 'fanout' but current is 'direct'"));
    }

    [Test]
    public void Redeclaring_an_exchange_with_another_durable_flag_fails()
    {
        VirtualHost.DeclareExchange(TestData.ExchangeDefinition("x", ExchangeTypes.Direct), passive: false);

        var ex = Assert.Throws<AmqpException>(() => VirtualHost.DeclareExchange(TestData.ExchangeDefinition("x", ExchangeTypes.Direct, durable: true), passive: false));

        Assert.That(ex.Message, Is.EqualTo("inequivalent arg 'durable' for exchange 'x' in vhost '/': received 'true' but current is 'false'"));
    }

    [Test]
    public void Exchange_arguments_other_than_alternate_exchange_may_differ_on_redeclare()
    {
        // RabbitMQ 3.10 (checked): exchange x with {x-foo: 1} redeclared with {x-foo: 2} -> declare-ok.
        VirtualHost.DeclareExchange(TestData.ExchangeDefinition("x", ExchangeTypes.Direct, arguments: new Dictionary<string, object?> { ["x-foo"] = 1 }), passive: false);

        Assert.DoesNotThrow(() => VirtualHost.DeclareExchange(TestData.ExchangeDefinition("x", ExchangeTypes.Direct, arguments: new Dictionary<string, object?> { ["x-foo"] = 2 }), passive: false));
    }

    [Test]
    public void Delete_if_unused_refuses_a_queue_with_consumers()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        var (session, _) = OpenSession();
        Consume(session, queue, "c");

        var ex = Assert.Throws<AmqpException>(() => VirtualHost.DeleteQueue("q", ifUnused: true, ifEmpty: false, Connection));

        Assert.That(ex.Code, Is.EqualTo(ReplyCode.PreconditionFailed));
        Assert.That(ex.Message, Is.EqualTo("queue 'q' in vhost '/' in use"));
        Assert.That(VirtualHost.FindQueue("q"), Is.SameAs(queue));
    }

    [Test]
    public void Delete_if_empty_refuses_a_queue_with_ready_messages()
    {
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        queue.EnqueueAll("m1");

        var ex = Assert.Throws<AmqpException>(() => VirtualHost.DeleteQueue("q", ifUnused: false, ifEmpty: true, Connection));

        Assert.That(ex.Code, Is.EqualTo(ReplyCode.PreconditionFailed));
        Assert.That(VirtualHost.FindQueue("q"), Is.SameAs(queue));
    }

    [Test]
    public void Delete_if_empty_uses_rabbitmqs_message()
    {
        // RabbitMQ 3.10 (checked): "PRECONDITION_FAILED - queue 'q' in vhost '/' not empty".
        var queue = VirtualHost.DeclareQueue(Connection, "q");
        queue.EnqueueAll("m1");

        var ex = Assert.Throws<AmqpException>(() => VirtualHost.DeleteQueue("q", ifUnused: false, ifEmpty: true, Connection));

        Assert.That(ex.Message, Is.EqualTo("queue 'q' in vhost '/' not empty"));
    }

    [Test]
    public void Delete_if_unused_and_if_empty_succeed_on_an_idle_empty_queue()
    {
        VirtualHost.DeclareQueue(Connection, "q");

        Assert.That(VirtualHost.DeleteQueue("q", ifUnused: true, ifEmpty: true, Connection), Is.Zero);
        Assert.That(VirtualHost.FindQueue("q"), Is.Null);
    }

    [Test]
    public void Deleting_a_missing_queue_answers_delete_ok_with_zero()
    {
        // RabbitMQ 3.10 (checked): queue.delete of a queue that does not exist -> delete-ok, message count 0.
        uint count = 1;

        Assert.DoesNotThrow(() => count = VirtualHost.DeleteQueue("nope", false, false, Connection));
        Assert.That(count, Is.Zero);
    }

    [Test]
    public void Deleting_a_missing_exchange_answers_delete_ok()
    {
        // RabbitMQ 3.10 (checked): exchange.delete of an exchange that does not exist -> delete-ok.
        Assert.DoesNotThrow(() => VirtualHost.DeleteExchange("nope", ifUnused: false));
    }

    [TestCase("")]
    [TestCase("amq.direct")]
    public void Deleting_the_default_or_a_predeclared_exchange_is_refused(string name)
    {
        var ex = Assert.Throws<AmqpException>(() => VirtualHost.DeleteExchange(name, ifUnused: false));

        Assert.That(ex.Code, Is.EqualTo(ReplyCode.AccessRefused));
    }

    [Test]
    public void Exchange_delete_if_unused_refuses_an_exchange_with_bindings()
    {
        VirtualHost.DeclareExchange(TestData.ExchangeDefinition("x", ExchangeTypes.Direct), passive: false);
        VirtualHost.DeclareQueue(Connection, "q");
        VirtualHost.Bind("q", "x", "k", NoArguments, Connection);

        var ex = Assert.Throws<AmqpException>(() => VirtualHost.DeleteExchange("x", ifUnused: true));

        Assert.That(ex.Code, Is.EqualTo(ReplyCode.PreconditionFailed));
        Assert.DoesNotThrow(() => VirtualHost.DeleteExchange("x", ifUnused: false));
        Assert.Throws<AmqpException>(() => VirtualHost.GetExchange("x"));
    }

    [Test]
    public void Binding_to_the_default_exchange_is_refused()
    {
        VirtualHost.DeclareQueue(Connection, "q");

        var ex = Assert.Throws<AmqpException>(() => VirtualHost.Bind("q", "", "q", FieldTable.Empty, Connection));

        Assert.That(ex.Code, Is.EqualTo(ReplyCode.AccessRefused));
    }

    /// <summary>RabbitMQ looks the source up first (rabbit_binding:call_with_source_and_destination at v3.10.8, rabbit_db_binding:not_found at v4.3.5).</summary>
    [Test]
    public void Exchange_bind_with_both_ends_missing_names_the_source()
    {
        var refused = Assert.Throws<AmqpException>(() => VirtualHost.BindExchange("missing-destination", "missing-source", "k", FieldTable.Empty));

        Assert.That(refused.ReplyText, Is.EqualTo("NOT_FOUND - no exchange 'missing-source' in vhost '/'"));
    }
}
