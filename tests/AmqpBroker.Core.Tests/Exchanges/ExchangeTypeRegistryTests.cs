using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Core.Tests.Exchanges;

/// <summary>
/// Exchange types come from the broker's registry: a type registered there is declared, validated and
/// routed through like the built-in ones, and a type it lacks is refused as RabbitMQ refuses it.
/// </summary>
[TestFixture]
public sealed class ExchangeTypeRegistryTests
{
    [TestCase("3.10", new[] { "direct", "fanout", "headers", "topic", "x-consistent-hash", "x-delayed-message" })]
    [TestCase("3.13", new[] { "direct", "fanout", "headers", "topic", "x-consistent-hash", "x-delayed-message" })]
    [TestCase("4.0", new[] { "direct", "fanout", "headers", "topic", "x-consistent-hash", "x-delayed-message", "x-local-random" })]
    [TestCase("4.3", new[] { "direct", "fanout", "headers", "topic", "x-consistent-hash", "x-delayed-message", "x-local-random", "x-modulus-hash" })]
    public void A_release_knows_the_four_amqp_types_the_plugin_types_and_those_it_built_in_by_name(string release, string[] types)
    {
        var registry = ExchangeTypeRegistry.For(VersionProfile.For(RabbitMqRelease.Parse(release)));

        Assert.That(registry.Types.Select(t => t.Name), Is.EqualTo(types));
        Assert.That(registry.Get("topic").Description, Is.EqualTo("AMQP topic exchange, as per the AMQP specification"));
        Assert.That(registry.Get("x-delayed-message").Description, Is.EqualTo("Delayed Message Exchange."));
    }

    // RabbitMQ 3.10.8 answers with connection.close 503 (experiment); 3.13.3 made it a channel error (release-notes/3.13.3.md, #11215).
    [TestCase("3.10", "COMMAND_INVALID - unknown exchange type 'x-nonexistent'", true)]
    [TestCase("3.13", "PRECONDITION_FAILED - unknown exchange type 'x-nonexistent'", false)]
    [TestCase("4.2", "PRECONDITION_FAILED - unknown exchange type 'x-nonexistent'", false)]
    public void An_unknown_type_is_refused_as_the_release_refuses_it(string release, string text, bool connectionError)
    {
        var registry = ExchangeTypeRegistry.For(VersionProfile.For(RabbitMqRelease.Parse(release)));

        var ex = Assert.Throws<AmqpException>(() => registry.Get("x-nonexistent"));

        Assert.That(ex.ReplyText, Is.EqualTo(text));
        Assert.That(ex.IsConnectionError, Is.EqualTo(connectionError));
    }

    [Test]
    public void A_registered_type_is_declared_and_routed_through_like_a_built_in_one()
    {
        var virtualHost = HostWith(new FirstBindingType());
        var connection = TestData.Connection();
        var first = virtualHost.DeclareQueue(connection, "first");
        virtualHost.DeclareQueue(connection, "second");
        var exchange = virtualHost.DeclareExchange(TestData.ExchangeDefinition("pick", FirstBindingType.TypeName), passive: false);
        virtualHost.Bind("first", "pick", "k1", FieldTable.Empty, connection);
        virtualHost.Bind("second", "pick", "k2", FieldTable.Empty, connection);

        var routed = virtualHost.Publish("pick", "anything", "m");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(exchange, Is.TypeOf<FirstBindingExchange>());
            Assert.That(routed, Is.EqualTo(1));
            Assert.That(first.ReadyCount, Is.EqualTo(1));
        }
    }

    [Test]
    public void A_registered_type_checks_the_arguments_of_a_new_exchange()
    {
        var virtualHost = HostWith(new FirstBindingType());
        var definition = TestData.ExchangeDefinition("pick", FirstBindingType.TypeName, arguments: new Dictionary<string, object?> { ["x-refused"] = true });

        var ex = Assert.Throws<AmqpException>(() => virtualHost.DeclareExchange(definition, passive: false));

        Assert.That(ex.ReplyText, Is.EqualTo("PRECONDITION_FAILED - x-refused is refused"));
        Assert.That(virtualHost.Exchanges.Select(e => e.Name), Does.Not.Contain("pick"));
    }

    [Test]
    public void A_type_registered_in_one_broker_is_unknown_to_another()
    {
        var withType = HostWith(new FirstBindingType());
        var plain = new VirtualHost("/");

        Assert.DoesNotThrow(() => withType.DeclareExchange(TestData.ExchangeDefinition("pick", FirstBindingType.TypeName), passive: false));
        Assert.Throws<AmqpException>(() => plain.DeclareExchange(TestData.ExchangeDefinition("pick", FirstBindingType.TypeName), passive: false));
    }

    private static VirtualHost HostWith(IExchangeType type) =>
        new("/", new BrokerServices { ExchangeTypes = new ExchangeTypeRegistry([.. ExchangeTypeRegistry.BuiltIn, type]) });

    /// <summary>A made-up type that routes every message to the destination bound first.</summary>
    private sealed class FirstBindingType : IExchangeType
    {
        public const string TypeName = "x-first-binding";

        public string Name => TypeName;

        public string Description => "routes to the first binding";

        public void ValidateArguments(ExchangeDefinition definition)
        {
            if (definition.Arguments.ContainsKey("x-refused"))
            {
                throw AmqpException.PreconditionFailed("x-refused is refused");
            }
        }

        public Exchange Create(ExchangeDefinition definition) => new FirstBindingExchange(definition);
    }

    private sealed class FirstBindingExchange(ExchangeDefinition definition) : Exchange(definition)
    {
        private volatile IBindingDestination? _first;

        public override void Route(Message message, RoutingScratch scratch)
        {
            if (_first is { } first)
            {
                scratch.Destinations.Add(first);
            }
        }

        protected override void OnBindingAdded(Binding binding) => _first ??= binding.Destination;

        protected override void OnBindingRemoved(Binding binding) => _first = Bindings.FirstOrDefault()?.Destination;
    }
}
