using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.Tests.TestSupport;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Core.Tests.Security;

/// <summary>
/// Users and virtual hosts through the broker: RabbitMQ's first-boot defaults, what deleting a user or a
/// vhost takes with it (permissions, policies, topology, open connections) and what reaches the store.
/// </summary>
[TestFixture]
public sealed class UserAndVirtualHostTests : RestartingBrokerFixture
{
    [Test]
    public void A_first_boot_creates_the_default_vhost_and_an_administrator_with_every_permission_on_it()
    {
        var store = new MemoryDefinitionStore();
        var broker = Start(store);

        var guest = broker.Users.Find("guest")!;
        Assert.That(guest.Tags, Is.EqualTo(new[] { "administrator" }));
        Assert.That(broker.Users.Authenticate("guest", "guest"), Is.Not.Null);
        Assert.That(broker.FindVirtualHost("/"), Is.Not.Null);
        Assert.That(broker.Permissions, Is.EqualTo(new[] { new Permission("guest", "/", ".*", ".*", ".*") }));
        Assert.That(store.Users.Keys, Is.EqualTo(new[] { "guest" }), "the defaults are stored like any other user");
        Assert.That(store.Permissions.Values, Is.EqualTo(broker.Permissions));
    }

    [Test]
    public void With_users_stored_no_default_user_is_created_even_when_the_default_user_is_gone()
    {
        var store = new MemoryDefinitionStore();
        var first = Start(store);
        first.PutUser(new User("alice", PasswordHasher.Hash("pw"), ["management"]));
        first.DeleteUser("guest");

        var second = Start(store);

        Assert.That(second.Users.All.Select(u => u.Name), Is.EqualTo(new[] { "alice" }));
        Assert.That(second.Users.Find("alice")!.Tags, Is.EqualTo(new[] { "management" }));
        Assert.That(second.Permissions, Is.Empty);
    }

    [Test]
    public void A_new_vhost_grants_nobody_any_permission()
    {
        var broker = Start();

        broker.AddVirtualHost("staging");

        Assert.That(broker.Permissions.Where(p => p.VirtualHost == "staging"), Is.Empty);
        Assert.That(broker.CanAccessVirtualHost("guest", "staging"), Is.False);
    }

    [Test]
    public void Deleting_a_user_removes_its_permissions_and_force_closes_only_its_connections()
    {
        var store = new MemoryDefinitionStore();
        var broker = Start(store);
        broker.PutUser(new User("alice", PasswordHasher.Hash("pw"), []));
        broker.AddVirtualHost("staging");
        broker.SetPermission(new Permission("alice", "/", ".*", ".*", ".*"));
        broker.SetPermission(new Permission("alice", "staging", ".*", ".*", ".*"));
        var alice = Open(broker, "alice", "staging");
        var guest = Open(broker, "guest", "/");

        Assert.That(broker.DeleteUser("alice"), Is.True);

        Assert.That(broker.Users.Find("alice"), Is.Null);
        Assert.That(broker.Permissions.Select(p => p.User), Is.EqualTo(new[] { "guest" }));
        Assert.That(alice.Reasons, Is.EqualTo(new[] { "user 'alice' is deleted" }));
        Assert.That(guest.Reasons, Is.Empty);
        Assert.That(store.Users.Keys, Is.EqualTo(new[] { "guest" }));
        Assert.That(store.Permissions.Keys.Select(k => k.User), Is.EqualTo(new[] { "guest" }));
        Assert.That(broker.DeleteUser("alice"), Is.False, "deleting a missing user reports it");
    }

    [Test]
    public void Deleting_a_vhost_takes_its_topology_permissions_and_policies_and_force_closes_its_connections()
    {
        var store = new MemoryDefinitionStore();
        var broker = Start(store);
        var staging = broker.AddVirtualHost("staging");
        broker.SetPermission(new Permission("guest", "staging", ".*", ".*", ".*"));
        broker.PutPolicy(new Policy("staging", "ttl", ".*", PolicyApplyTo.Queues, 0, new Dictionary<string, object?> { ["message-ttl"] = 1000 }));
        var inStaging = Open(broker, "guest", "staging");
        var inDefault = Open(broker, "guest", "/");
        var queue = staging.DeclareQueue(TestData.QueueDefinition("q", virtualHost: "staging"), inStaging.Connection, passive: false);
        var exchange = staging.DeclareExchange(TestData.ExchangeDefinition("x", "fanout", virtualHost: "staging"), passive: false);
        staging.Bind("q", "x", string.Empty, FieldTable.Empty, inStaging.Connection);
        queue.EnqueueAll("m");

        Assert.That(broker.DeleteVirtualHost("staging"), Is.True);

        Assert.That(broker.FindVirtualHost("staging"), Is.Null);
        Assert.That(queue.IsDeleted, Is.True);
        Assert.That(exchange.IsDeleted, Is.True);
        Assert.That(staging.Queues, Is.Empty);
        Assert.That(broker.Permissions.Select(p => p.VirtualHost), Is.EqualTo(new[] { "/" }));
        Assert.That(broker.Policies, Is.Empty);
        Assert.That(inStaging.Reasons, Is.EqualTo(new[] { "vhost 'staging' is deleted" }));
        Assert.That(inDefault.Reasons, Is.Empty);
        Assert.That(store.VirtualHosts, Is.EqualTo(new[] { "/" }));
        Assert.That(store.Permissions.Keys.Select(k => k.VirtualHost), Is.EqualTo(new[] { "/" }));
        Assert.That(store.Policies, Is.Empty);
        Assert.That(broker.DeleteVirtualHost("staging"), Is.False, "deleting a missing vhost reports it");
    }

    [Test]
    public void A_connection_that_finishes_opening_a_just_deleted_vhost_is_closed_too()
    {
        var broker = Start();
        broker.AddVirtualHost("staging");
        broker.DeleteVirtualHost("staging");

        var late = Open(broker, "guest", "staging");

        Assert.That(late.Reasons, Is.EqualTo(new[] { "vhost 'staging' is deleted" }));
    }

    /// <summary>rabbit_vhost:put_vhost/6 updates an existing vhost's description and tags; its default queue type only where the release lets it.</summary>
    [Test]
    public void An_existing_vhost_takes_a_new_description_and_tags_which_the_next_broker_keeps()
    {
        var store = new MemoryDefinitionStore();
        var first = Start(store);
        first.AddVirtualHost("staging", new VirtualHostMetadata("quorum"));
        first.AddVirtualHost("staging", new VirtualHostMetadata { Description = "orders", Tags = ["prod"] });

        var second = Start(store);

        Assert.That(second.FindVirtualHost("staging")!.Metadata, Is.EqualTo(new VirtualHostMetadata("quorum") { Description = "orders", Tags = ["prod"] }));
    }

    [Test]
    public void A_snapshot_puts_each_vhosts_metadata_back()
    {
        var broker = Start(new MemoryDefinitionStore());
        var metadata = new VirtualHostMetadata("quorum") { Description = "orders", Tags = ["prod", "eu"] };
        broker.AddVirtualHost("orders", metadata);
        var snapshot = Snapshots.BrokerSnapshot.Take(broker);
        broker.DeleteVirtualHost("orders");

        snapshot.RestoreTo(broker);

        Assert.That(broker.FindVirtualHost("orders")!.Metadata, Is.EqualTo(metadata));
    }

    [Test]
    public void A_deleted_vhost_stays_deleted_in_the_next_broker_and_the_default_vhost_is_not_recreated()
    {
        var store = new MemoryDefinitionStore();
        var first = Start(store);
        first.AddVirtualHost("staging");
        first.DeleteVirtualHost("/");

        var second = Start(store);

        Assert.That(second.VirtualHosts.Select(v => v.Name), Is.EqualTo(new[] { "staging" }));
    }

    /// <summary>Registers an open connection the way the server does, recording force-close reasons.</summary>
    private static RecordedConnection Open(Broker broker, string user, string virtualHost)
    {
        var recorded = new RecordedConnection();
        recorded.Connection = new ClientConnection($"{user}@{virtualHost}", broker.Users.Find(user)!, virtualHost, FieldTable.Empty, DateTimeOffset.UnixEpoch, recorded.Reasons.Add);
        broker.OnConnectionOpened(recorded.Connection);
        return recorded;
    }

    private sealed class RecordedConnection
    {
        public ClientConnection Connection { get; set; } = null!;

        public List<string> Reasons { get; } = [];
    }
}
