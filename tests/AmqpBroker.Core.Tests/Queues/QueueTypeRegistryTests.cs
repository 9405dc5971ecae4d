using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Queues.Classic;
using AmqpBroker.Core.Storage;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Core.VirtualHosts;

namespace AmqpBroker.Core.Tests.Queues;

/// <summary>
/// Queue types come from the broker's registry by x-queue-type: classic is the default, quorum and stream are
/// built in, and a registered type decides its own
/// declaration rules and creates its queues.
/// </summary>
[TestFixture]
public sealed class QueueTypeRegistryTests
{
    private readonly QueueTypeRegistry _registry = QueueTypeRegistry.CreateBuiltIn(VersionProfile.Default);

    [Test]
    public void Classic_is_the_default_and_can_be_named()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_registry.Default.Name, Is.EqualTo("classic"));
            Assert.That(_registry.Resolve(Definition(null)), Is.SameAs(_registry.Default));
            Assert.That(_registry.Resolve(Definition("classic")), Is.SameAs(_registry.Default));
        }
    }

    [Test]
    public void Quorum_is_built_in()
    {
        Assert.That(_registry.Resolve(Definition("quorum", durable: true)).Name, Is.EqualTo("quorum"));
    }

    [Test]
    public void Stream_is_built_in()
    {
        Assert.That(_registry.Resolve(Definition("stream", durable: true)).Name, Is.EqualTo("stream"));
    }

    [TestCase("foo", "\"unsupported queue type 'foo'\"")]
    [TestCase(1, "{unacceptable_type,signedint}")]
    [TestCase(null, "{unacceptable_type,void}")]
    public void Other_values_get_RabbitMqs_texts(object? type, string error)
    {
        var definition = TestData.QueueDefinition("q", arguments: new Dictionary<string, object?> { ["x-queue-type"] = type });

        var ex = Assert.Throws<AmqpException>(() => _registry.Resolve(definition));

        Assert.That(ex.ReplyText, Is.EqualTo($"PRECONDITION_FAILED - invalid arg 'x-queue-type' for queue 'q' in vhost '/': {error}"));
    }

    [Test]
    public void A_registered_type_checks_its_declarations_and_creates_its_queues()
    {
        var durableOnly = new DurableOnlyType();
        var builtIn = QueueTypeRegistry.CreateBuiltIn(VersionProfile.Default);
        var virtualHost = new VirtualHost("/", new BrokerServices { QueueTypes = new QueueTypeRegistry(builtIn.Default, [durableOnly]) });
        var connection = TestData.Connection();

        var refused = Assert.Throws<AmqpException>(() => virtualHost.DeclareQueue(Definition(DurableOnlyType.TypeName), connection, passive: false));
        var queue = virtualHost.DeclareQueue(Definition(DurableOnlyType.TypeName, durable: true), connection, passive: false);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused.ReplyText, Is.EqualTo("PRECONDITION_FAILED - queue 'q' in vhost '/' must be durable"));
            Assert.That(durableOnly.Created, Is.EqualTo(new[] { queue }));
            Assert.That(virtualHost.FindQueue("q"), Is.SameAs(queue));
        }
    }

    private static QueueDefinition Definition(string? type, bool durable = false) =>
        TestData.QueueDefinition("q", durable: durable, arguments: type is null ? null : new Dictionary<string, object?> { ["x-queue-type"] = type });

    /// <summary>A made-up type that, like RabbitMQ's quorum queues, takes only durable declarations.</summary>
    private sealed class DurableOnlyType : IQueueType
    {
        public const string TypeName = "x-durable-only";

        public List<Queue> Created { get; } = [];

        public string Name => TypeName;

        public QueueTypeCapabilities Capabilities { get; } = new("x_durable_only_queue", [], [], ServerNamed: false);

        public bool Allows(QueueDefinition definition) => definition.Durable;

        public QueueArguments Validate(QueueDefinition definition, bool serverNamed) => Allows(definition)
            ? QueueArguments.None
            : throw AmqpException.PreconditionFailed($"{QueueArguments.Describe(definition)} must be durable");

        public QueueArguments WithPolicy(QueueArguments declared, PolicySettings? policy) => declared;

        public void CheckConsume(Queue queue, in ConsumeRequest request)
        {
        }

        public Queue Create(QueueDefinition definition, QueueArguments arguments, QueueContext context, out IReadOnlyList<RecoveredEntry> recovered)
        {
            recovered = [];
            var queue = new ClassicQueue(definition, arguments, context, log: null);
            Created.Add(queue);
            return queue;
        }
    }
}
