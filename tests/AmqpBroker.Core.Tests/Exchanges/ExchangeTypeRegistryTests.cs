using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Messages;
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
    [Test]
    public void The_built_in_registry_knows_the_four_amqp_types_and_the_delayed_message_type_by_name()
    {
        var registry = ExchangeTypeRegistry.CreateBuiltIn();

        Assert.That(registry.Types.Select(t => t.Name), Is.EqualTo(new[] { "direct", "fanout", "headers", "topic", "x-delayed-message" }));
        Assert.That(registry.Get("topic").Description, Is.EqualTo("AMQP topic exchange, as per the AMQP specification"));
        Assert.That(registry.Get("x-delayed-message").Description, Is.EqualTo("Delayed Message Exchange."));
    }

    [Test]
    public void An_unknown_type_is_a_command_invalid_error()
    {
        var ex = Assert.Throws<AmqpException>(() => ExchangeTypeRegistry.CreateBuiltIn().Get("x-consistent-hash"));

        Assert.That(ex.ReplyText, Is.EqualTo("COMMAND_INVALID - unknown exchange type 'x-consistent-hash'"));
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
