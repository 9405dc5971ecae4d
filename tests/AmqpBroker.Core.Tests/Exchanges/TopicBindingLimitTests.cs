using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Snapshots;
using AmqpBroker.Core.Storage;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Core.Tests.Exchanges;

/// <summary>
/// RabbitMQ 4.3.5's limit of two '#' wildcards per topic binding key (release-notes/4.3.5.md, #17039): the cases of
/// deps/rabbit/test/unit_topic_binding_validation_SUITE.erl and bindings_SUITE.erl (topic_binding_hash_limit,
/// topic_exchange_binding_hash_limit, topic_binding_hash_limit_allows_unbind); earlier releases take any number.
/// </summary>
[TestFixture]
public sealed class TopicBindingLimitTests
{
    private readonly ClientConnection _owner = TestData.Connection();

    /// <summary>'#' is a wildcard only as a whole word.</summary>
    [TestCase("")]
    [TestCase("a.b.c")]
    [TestCase("*.*.*")]
    [TestCase("#")]
    [TestCase("a.#")]
    [TestCase("#.#")]
    [TestCase("#.a.#")]
    [TestCase("a#b")]
    [TestCase("##.##.##")]
    [TestCase("#a.#.b#.#..#c")]
    public void The_4_3_profile_accepts_keys_with_at_most_two_hash_words(string key)
    {
        var virtualHost = TopicWithQueue("4.3");

        Assert.DoesNotThrow(() => virtualHost.Bind("q", "t", key, FieldTable.Empty, _owner));
    }

    [TestCase("#.#.#", 3)]
    [TestCase("#.*.#.*.#", 3)]
    [TestCase("a.#.b.#.c.#", 3)]
    [TestCase("#.#.#.#", 4)]
    [TestCase("#..#..#", 3)]
    public void The_4_3_profile_refuses_keys_with_more_than_two_hash_words(string key, int count)
    {
        var virtualHost = TopicWithQueue("4.3");

        var refused = Assert.Throws<AmqpException>(() => virtualHost.Bind("q", "t", key, FieldTable.Empty, _owner));

        Assert.That(refused.Code, Is.EqualTo(Protocol.Methods.ReplyCode.PreconditionFailed));
        Assert.That(refused.Message, Is.EqualTo($"Topic binding key '{key}' uses {count} '#' wildcards, at most 2 are allowed"));
        Assert.That(virtualHost.GetExchange("t").HasBindings, Is.False);
    }

    [Test]
    public void The_refusal_reads_as_rabbitmq_4_3_5_closes_the_channel()
    {
        var virtualHost = TopicWithQueue("4.3");

        var refused = Assert.Throws<AmqpException>(() => virtualHost.Bind("q", "t", "a.#.#.#", FieldTable.Empty, _owner));

        Assert.That(refused.ReplyText, Is.EqualTo("PRECONDITION_FAILED - Topic binding key 'a.#.#.#' uses 3 '#' wildcards, at most 2 are allowed"));
    }

    /// <summary>128 '#' words are 255 characters, the longest key AMQP 0-9-1 carries.</summary>
    [Test]
    public void The_longest_key_of_hash_words_is_refused()
    {
        var virtualHost = TopicWithQueue("4.3");
        var key = string.Join('.', Enumerable.Repeat("#", 128));

        var refused = Assert.Throws<AmqpException>(() => virtualHost.Bind("q", "t", key, FieldTable.Empty, _owner));

        Assert.That(refused.Message, Does.EndWith("' uses 128 '#' wildcards, at most 2 are allowed"));
    }

    [TestCase("3.10")]
    [TestCase("4.2")]
    public void Earlier_profiles_accept_any_number_of_hash_words(string release)
    {
        var virtualHost = TopicWithQueue(release);

        virtualHost.Bind("q", "t", "#.#.#.#", FieldTable.Empty, _owner);

        Assert.That(virtualHost.Publish("t", "a.b", "m"), Is.EqualTo(1));
    }

    /// <summary>rabbit_binding:binding_checks validates with the source exchange's type, for exchange.bind too.</summary>
    [Test]
    public void Exchange_bind_is_checked_by_the_source_exchange_type()
    {
        var virtualHost = TopicWithQueue("4.3");
        virtualHost.DeclareExchange(TestData.ExchangeDefinition("d", ExchangeTypes.Direct), passive: false);

        Assert.Throws<AmqpException>(() => virtualHost.BindExchange("d", "t", "#.#.#", FieldTable.Empty));
        Assert.DoesNotThrow(() => virtualHost.BindExchange("t", "d", "#.#.#", FieldTable.Empty), "a direct source takes any key");
    }

    /// <summary>The delayed-message plugin validates with its x-delayed-type.</summary>
    [Test]
    public void A_delayed_message_exchange_routing_as_topic_has_the_limit()
    {
        var virtualHost = TopicWithQueue("4.3");
        var arguments = new Dictionary<string, object?> { [DelayedMessageExchangeType.DelayedTypeArgument] = ExchangeTypes.Topic };
        virtualHost.DeclareExchange(TestData.ExchangeDefinition("delayed", DelayedMessageExchangeType.TypeName, arguments: arguments), passive: false);

        Assert.Throws<AmqpException>(() => virtualHost.Bind("q", "delayed", "#.#.#", FieldTable.Empty, _owner));
    }

    /// <summary>A binding stored by a release without the limit comes back at start, routes, and can be removed.</summary>
    [Test]
    public void A_stored_binding_over_the_limit_is_recovered_and_can_be_unbound()
    {
        var virtualHost = new VirtualHost("/", TestData.Services("4.3"));
        virtualHost.Restore(new StoredDefinitions(
            [],
            [TestData.ExchangeDefinition("t", ExchangeTypes.Topic, durable: true)],
            [TestData.QueueDefinition("q", durable: true)],
            [new BindingDefinition("/", "t", "q", BindingDestinationKind.Queue, "#.#.#", FieldTable.Empty)]));

        Assert.That(virtualHost.Publish("t", "a", "m"), Is.EqualTo(1));
        virtualHost.Unbind("q", "t", "#.#.#", FieldTable.Empty, _owner);
        Assert.That(virtualHost.GetExchange("t").HasBindings, Is.False);
    }

    /// <summary>
    /// A snapshot restores its bindings as recovery does, without the type's checks: one taken on a release without the
    /// limit comes back on 4.3, routes, and can be removed.
    /// </summary>
    [Test]
    public void A_binding_over_the_limit_in_a_snapshot_taken_on_4_2_restores_on_4_3()
    {
        using var older = new Broker(TestData.Settings("4.2"), TimeProvider.System);
        var before = older.FindVirtualHost("/")!;
        before.DeclareExchange(TestData.ExchangeDefinition("t", ExchangeTypes.Topic, durable: true), passive: false);
        before.DeclareQueue(TestData.QueueDefinition("q", durable: true), _owner, passive: false);
        before.Bind("q", "t", "#.#.#", FieldTable.Empty, _owner);
        using var newer = new Broker(TestData.Settings("4.3"), TimeProvider.System);

        BrokerSnapshot.Take(older).RestoreTo(newer);

        var after = newer.FindVirtualHost("/")!;
        Assert.That(after.Publish("t", "a", "m"), Is.EqualTo(1));
        after.Unbind("q", "t", "#.#.#", FieldTable.Empty, _owner);
        Assert.That(after.GetExchange("t").HasBindings, Is.False);
    }

    private VirtualHost TopicWithQueue(string release)
    {
        var virtualHost = new VirtualHost("/", TestData.Services(release));
        virtualHost.DeclareExchange(TestData.ExchangeDefinition("t", ExchangeTypes.Topic), passive: false);
        virtualHost.DeclareQueue(_owner, "q", exclusive: true);
        return virtualHost;
    }
}
