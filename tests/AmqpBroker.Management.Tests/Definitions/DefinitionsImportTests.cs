using AmqpBroker.Core;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.Storage;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Management.Definitions;
using AmqpBroker.Management.Http;
using AmqpBroker.Management.Messaging;
using AmqpBroker.Management.Security;

namespace AmqpBroker.Management.Tests.Definitions;

[TestFixture]
public sealed class DefinitionsImportTests
{
    /// <summary>A file with an entry of every kind whose last binding names an exchange that does not exist.</summary>
    private const string FailingLast = """
        {
          "users": [
            { "name": "import-new", "password_hash": "", "tags": "" },
            { "name": "guest", "password_hash": "", "tags": "" }
          ],
          "vhosts": [ { "name": "import-vhost" } ],
          "permissions": [ { "user": "import-new", "vhost": "/", "configure": ".*", "write": ".*", "read": ".*" } ],
          "policies": [ { "vhost": "/", "name": "import-ttl", "pattern": "^import", "apply-to": "queues", "priority": 0, "definition": { "message-ttl": 1000 } } ],
          "queues": [
            { "name": "import-q", "vhost": "/", "durable": true, "auto_delete": false, "arguments": {} },
            { "name": "import-other", "vhost": "import-vhost", "durable": true, "auto_delete": false, "arguments": {} }
          ],
          "exchanges": [ { "name": "import-x", "vhost": "/", "type": "fanout", "durable": true, "auto_delete": false, "internal": false, "arguments": {} } ],
          "bindings": [
            { "source": "import-x", "vhost": "/", "destination": "import-q", "destination_type": "queue", "routing_key": "", "arguments": {} },
            { "source": "amq.direct", "vhost": "/", "destination": "pre-existing", "destination_type": "queue", "routing_key": "kept", "arguments": {} },
            { "source": "no-such-exchange", "vhost": "/", "destination": "import-q", "destination_type": "queue", "routing_key": "", "arguments": {} }
          ]
        }
        """;

    [Test]
    public void A_file_whose_last_entry_fails_leaves_nothing_of_itself_behind()
    {
        var store = new CountingBatches();
        using var broker = new Broker(new BrokerSettings(), TimeProvider.System, store);
        var root = broker.FindVirtualHost("/")!;
        var guest = broker.Users.Find("guest")!;
        var preExisting = DeclareBoundQueue(broker, guest);

        Assert.Throws<ApiException>(() => Import(broker, guest, FailingLast));

        Assert.That(broker.Users.Find("import-new"), Is.Null);
        Assert.That(broker.Users.Find("guest")!.PasswordHash, Is.EqualTo(guest.PasswordHash), "the overwritten user is back as it was");
        Assert.That(broker.FindVirtualHost("import-vhost"), Is.Null);
        Assert.That(broker.Policies.Select(p => p.Name), Does.Not.Contain("import-ttl"));
        Assert.That(root.Queues.Select(q => q.Name), Is.EquivalentTo(new[] { "pre-existing" }));
        Assert.That(root.Exchanges.Select(e => e.Name), Does.Not.Contain("import-x"));
        Assert.That(root.GetExchange("amq.direct").Bindings.Select(b => (b.Destination, b.RoutingKey)), Is.EqualTo(new[] { ((IBindingDestination)preExisting, "kept") }),
            "a binding the file repeats is not undone");
        Assert.That((store.Begun, store.Committed), Is.EqualTo((1, 1)), "one batch, committed with the changes and their undoing");
    }

    [Test]
    public void A_file_that_applies_is_one_committed_batch()
    {
        var store = new CountingBatches();
        using var broker = new Broker(new BrokerSettings(), TimeProvider.System, store);
        var guest = broker.Users.Find("guest")!;
        DeclareBoundQueue(broker, guest);

        Import(broker, guest, FailingLast.Replace("no-such-exchange", "amq.fanout", StringComparison.Ordinal));

        Assert.That(broker.FindVirtualHost("import-vhost")!.FindQueue("import-other"), Is.Not.Null);
        Assert.That(broker.FindVirtualHost("/")!.GetExchange("amq.fanout").Bindings, Has.Count.EqualTo(1));
        Assert.That((store.Begun, store.Committed), Is.EqualTo((1, 1)));
    }

    /// <summary>
    /// RabbitMQ 4.3.5's limit of two '#' words per topic binding key (release-notes/4.3.5.md, #17039) stops an import
    /// as any refused binding does (rabbit_definitions:add_binding_int throws rabbit_binding:add's error).
    /// </summary>
    [Test]
    public void A_topic_binding_over_the_4_3_hash_limit_fails_the_import_naming_it()
    {
        var settings = new BrokerSettings { Profile = Core.Profiles.VersionProfile.For(Core.Profiles.RabbitMqRelease.Parse("4.3")) };
        using var broker = new Broker(settings, TimeProvider.System, NoDefinitionStore.Instance);
        const string file = """
            {
              "queues": [ { "name": "import-q", "vhost": "/", "durable": true, "auto_delete": false, "arguments": {} } ],
              "bindings": [ { "source": "amq.topic", "vhost": "/", "destination": "import-q", "destination_type": "queue", "routing_key": "#.#.#", "arguments": {} } ]
            }
            """;

        var refused = Assert.Throws<ApiException>(() => Import(broker, broker.Users.Find("guest")!, file));

        Assert.That(refused.Reason, Is.EqualTo("binding 'amq.topic -> import-q' in vhost '/': Topic binding key '#.#.#' uses 3 '#' wildcards, at most 2 are allowed"));
        Assert.That(broker.FindVirtualHost("/")!.FindQueue("import-q"), Is.Null, "the import was undone");
    }

    /// <summary>The queue "pre-existing", bound to amq.direct with "kept" as the file binds it too.</summary>
    private static Queue DeclareBoundQueue(Broker broker, User user)
    {
        var root = broker.FindVirtualHost("/")!;
        var queue = root.DeclareQueue(new QueueDefinition("pre-existing", "/", true, false, false, Protocol.Encoding.FieldTable.Empty), ClientConnectionFor(broker, user), passive: false);
        root.Bind("pre-existing", "amq.direct", "kept", Protocol.Encoding.FieldTable.Empty, ClientConnectionFor(broker, user));
        return queue;
    }

    private static void Import(Broker broker, User user, string json) =>
        new DefinitionsImport(broker, new ApiUser(user, broker)).ImportAll(JsonBody.Parse(System.Text.Encoding.UTF8.GetBytes(json)));

    private static ClientConnection ClientConnectionFor(Broker broker, User user) => HttpConnection.For(new ApiUser(user, broker), "/");

    /// <summary>A store that keeps nothing but counts batches.</summary>
    private sealed class CountingBatches : IDefinitionStore
    {
        private readonly NoDefinitionStore _nothing = NoDefinitionStore.Instance;

        public int Begun { get; private set; }

        public int Committed { get; private set; }

        public StoredDefinitions Load() => _nothing.Load();

        public IDefinitionBatch BeginBatch()
        {
            Begun++;
            return new Batch(this);
        }

        public void PutVirtualHost(string name) => _nothing.PutVirtualHost(name);

        public void PutVirtualHostMetadata(string name, VirtualHostMetadata metadata) => _nothing.PutVirtualHostMetadata(name, metadata);

        public void DeleteVirtualHost(string name) => _nothing.DeleteVirtualHost(name);

        public void PutUser(User user) => _nothing.PutUser(user);

        public void DeleteUser(string name) => _nothing.DeleteUser(name);

        public void PutPermission(Permission permission) => _nothing.PutPermission(permission);

        public void DeletePermission(string user, string virtualHost) => _nothing.DeletePermission(user, virtualHost);

        public void PutTopicPermission(TopicPermission permission) => _nothing.PutTopicPermission(permission);

        public void DeleteTopicPermission(string user, string virtualHost, string exchange) => _nothing.DeleteTopicPermission(user, virtualHost, exchange);

        public void PutVirtualHostLimits(string virtualHost, IReadOnlyList<Limit> limits) => _nothing.PutVirtualHostLimits(virtualHost, limits);

        public void PutUserLimits(string user, IReadOnlyList<Limit> limits) => _nothing.PutUserLimits(user, limits);

        public void PutPolicy(Policy policy) => _nothing.PutPolicy(policy);

        public void DeletePolicy(string virtualHost, string name) => _nothing.DeletePolicy(virtualHost, name);

        public void PutParameter(Core.Parameters.RuntimeParameter parameter) => _nothing.PutParameter(parameter);

        public void DeleteParameter(string component, string virtualHost, string name) => _nothing.DeleteParameter(component, virtualHost, name);

        public void PutGlobalParameter(string name, string valueJson) => _nothing.PutGlobalParameter(name, valueJson);

        public void DeleteGlobalParameter(string name) => _nothing.DeleteGlobalParameter(name);

        public void PutExchange(ExchangeDefinition exchange) => _nothing.PutExchange(exchange);

        public void DeleteExchange(string virtualHost, string name) => _nothing.DeleteExchange(virtualHost, name);

        public void PutQueue(QueueDefinition queue) => _nothing.PutQueue(queue);

        public void DeleteQueue(string virtualHost, string name) => _nothing.DeleteQueue(virtualHost, name);

        public void PutBinding(BindingDefinition binding) => _nothing.PutBinding(binding);

        public void DeleteBinding(BindingDefinition binding) => _nothing.DeleteBinding(binding);

        public void Dispose()
        {
        }

        private sealed class Batch(CountingBatches store) : IDefinitionBatch
        {
            public void Commit() => store.Committed++;

            public void Dispose()
            {
            }
        }
    }
}
