using System.Text.Json;
using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.Storage;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Core.Tests.Storage;

/// <summary>
/// The broker's definitions version moves on with every change the definitions export shows, durable or not, and
/// stays put while nothing changes: what the management API's definitions ETag (RabbitMQ 4.3.5,
/// rabbit_mgmt_wm_definitions:generate_etag, from the metadata store's Raft index) relies on.
/// </summary>
[TestFixture]
public sealed class DefinitionsVersionTests
{
    private static readonly (string Change, Action<Broker> Make)[] Changes =
    [
        ("a user", b => b.PutUser(new User("alice", PasswordHasher.Hash("pw"), []))),
        ("a vhost", b => b.AddVirtualHost("staging")),
        ("a permission", b => b.SetPermission(new Permission("alice", "staging", ".*", ".*", ".*"))),
        ("a topic permission", b => b.SetTopicPermission(new TopicPermission("alice", "staging", "amq.topic", ".*", ".*"))),
        ("a vhost limit", b => b.SetVirtualHostLimit("staging", "max-queues", 10L)),
        ("a user limit", b => b.SetUserLimit("alice", "max-connections", 5L)),
        ("a policy", b => b.PutPolicy(new Policy("staging", "ttl", ".*", PolicyApplyTo.Queues, 0, new Dictionary<string, object?> { ["message-ttl"] = 1000 }))),
        ("a runtime parameter", b => b.Parameters.Put(new RuntimeParameter(Component.ComponentName, "staging", "p", JsonDocument.Parse("{}").RootElement))),
        ("a transient queue", b => Staging(b).DeclareQueue(TestData.QueueDefinition("q"), TestData.Connection(virtualHost: "staging"), passive: false)),
        ("a durable exchange", b => Staging(b).DeclareExchange(TestData.ExchangeDefinition("x", "fanout", durable: true), passive: false)),
        ("a binding", b => Staging(b).Bind("q", "x", "", FieldTable.Empty, TestData.Connection(virtualHost: "staging"))),
        ("an unbinding", b => Staging(b).Unbind("q", "x", "", FieldTable.Empty, TestData.Connection(virtualHost: "staging"))),
        ("a queue deletion", b => Staging(b).DeleteQueue("q", ifUnused: false, ifEmpty: false, connection: null)),
        ("an exchange deletion", b => Staging(b).DeleteExchange("x", ifUnused: false)),
        ("a parameter deletion", b => b.Parameters.Clear(Component.ComponentName, "staging", "p")),
        ("a policy deletion", b => b.DeletePolicy("staging", "ttl")),
        ("a permission cleared", b => b.ClearPermission("alice", "staging")),
        ("a vhost deletion", b => b.DeleteVirtualHost("staging")),
        ("a user deletion", b => b.DeleteUser("alice")),
    ];

    [Test]
    public void Every_kind_of_definition_change_moves_the_version_on()
    {
        using var broker = new Broker(new BrokerSettings(), TimeProvider.System);
        broker.Parameters.Register(new Component());
        foreach (var (change, make) in Changes)
        {
            var before = broker.DefinitionsVersion.Changes;
            make(broker);
            Assert.That(broker.DefinitionsVersion.Changes, Is.GreaterThan(before), change);
        }
    }

    [Test]
    public void Reading_and_publishing_leave_it_as_it_is()
    {
        using var broker = new Broker(new BrokerSettings(), TimeProvider.System);
        var virtualHost = broker.FindVirtualHost("/")!;
        virtualHost.DeclareQueue(TestData.QueueDefinition("q"), TestData.Connection(), passive: false);
        var version = broker.DefinitionsVersion.Changes;

        virtualHost.Publish("", "q", "m");
        _ = broker.Users.All;
        _ = broker.Permissions;
        _ = virtualHost.Queues.ToList();

        Assert.That(broker.DefinitionsVersion.Changes, Is.EqualTo(version));
    }

    [Test]
    public void Each_broker_has_its_own_epoch()
    {
        var epochs = Enumerable.Range(0, 5).Select(_ => new DefinitionsVersion().Epoch).ToHashSet();

        Assert.That(epochs, Has.Count.GreaterThan(1));
    }

    private static VirtualHost Staging(Broker broker) => broker.FindVirtualHost("staging")!;

    /// <summary>A runtime parameter component that takes any value.</summary>
    private sealed class Component : IRuntimeParameterComponent
    {
        public const string ComponentName = "test-component";

        public string Name => ComponentName;

        public void Validate(RuntimeParameter parameter)
        {
        }

        public void OnSet(RuntimeParameter parameter)
        {
        }

        public void OnCleared(string virtualHost, string name)
        {
        }
    }
}
