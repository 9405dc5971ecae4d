using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.Storage;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Storage.Definitions;
using AmqpBroker.Storage.Tests.TestSupport;

namespace AmqpBroker.Storage.Tests.Definitions;

/// <summary>Users, permissions and policies in the SQLite store, and what deleting a user or a vhost takes with it.</summary>
[TestFixture]
public sealed class AccessAndPolicyDefinitionsTests : TempDirectoryFixture
{
    private static readonly Dictionary<string, object?> Definition = new()
    {
        ["message-ttl"] = 60_000L,
        ["max-length"] = 5,
        ["overflow"] = "reject-publish",
        ["ha-mode"] = "nodes",
        ["ha-params"] = new List<object?> { "rabbit@a", "rabbit@b" },
        ["ratio"] = 0.5,
        ["flag"] = true,
    };

    [Test]
    public void Users_permissions_and_policies_come_back_after_reopening_exactly()
    {
        var alice = new User("alice", PasswordHasher.Hash("pw"), ["administrator", "monitoring"]);
        var bob = new User("bob", PasswordHasher.Hash("pw2"), []);
        var policy = new Policy("/", "limits", "^orders\\.", PolicyApplyTo.Queues, -3, Definition);
        using (var store = SqliteDefinitionStore.Open(DataPath))
        {
            store.PutUser(alice);
            store.PutUser(bob);
            store.PutPermission(new Permission("alice", "/", ".*", "", "^r-"));
            store.PutPolicy(policy);
            store.PutPolicy(new Policy("other", "ae", ".*", PolicyApplyTo.Exchanges, 1, new Dictionary<string, object?> { ["alternate-exchange"] = "ae" }));
        }

        using var reopened = SqliteDefinitionStore.Open(DataPath);
        var loaded = reopened.Load();

        Assert.That(loaded.Users.Select(u => (u.Name, u.PasswordHash, string.Join("|", u.Tags))), Is.EquivalentTo(new[]
        {
            ("alice", alice.PasswordHash, "administrator|monitoring"),
            ("bob", bob.PasswordHash, ""),
        }));
        Assert.That(loaded.Permissions, Is.EqualTo(new[] { new Permission("alice", "/", ".*", "", "^r-") }));
        var limits = loaded.Policies.Single(p => p.Name == "limits");
        Assert.That((limits.VirtualHost, limits.Pattern, limits.ApplyTo, limits.Priority), Is.EqualTo(("/", "^orders\\.", PolicyApplyTo.Queues, -3)));
        Assert.That(limits.Definition, Is.EqualTo(Definition).Using(Core.Arguments.FieldTableComparer.Instance));
        Assert.That(limits.Definition["max-length"], Is.TypeOf<int>(), "values keep their types");
        Assert.That(loaded.Policies.Single(p => p.Name == "ae").ApplyTo, Is.EqualTo(PolicyApplyTo.Exchanges));
    }

    [Test]
    public void Global_parameters_come_back_after_reopening_and_go_when_deleted()
    {
        using (var store = SqliteDefinitionStore.Open(DataPath))
        {
            store.PutGlobalParameter("cluster_name", "\"first\"");
            store.PutGlobalParameter("cluster_name", "\"orders\"");
            store.PutGlobalParameter("extra", "{\"a\":[1,\"x\"]}");
            store.PutGlobalParameter("gone", "null");
            store.DeleteGlobalParameter("gone");
        }

        using var reopened = SqliteDefinitionStore.Open(DataPath);

        Assert.That(reopened.Load().GlobalParameters, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["cluster_name"] = "\"orders\"",
            ["extra"] = "{\"a\":[1,\"x\"]}",
        }));
    }

    [Test]
    public void A_vhosts_metadata_comes_back_after_reopening()
    {
        var metadata = new Core.VirtualHosts.VirtualHostMetadata("quorum") { Description = "orders, EU", Tags = ["prod", "a,b"] };
        using (var store = SqliteDefinitionStore.Open(DataPath))
        {
            store.PutVirtualHost("orders");
            store.PutVirtualHost("plain");
            store.PutVirtualHostMetadata("orders", metadata);
        }

        using var reopened = SqliteDefinitionStore.Open(DataPath);
        var loaded = reopened.Load();

        Assert.That(loaded.VirtualHostMetadata["orders"], Is.EqualTo(metadata));
        Assert.That(loaded.VirtualHostMetadata.ContainsKey("plain"), Is.False, "a vhost without metadata has none");
    }

    /// <summary>
    /// protected_from_deletion (RabbitMQ 4.1+, vhost:is_protected_from_deletion at v4.1.0) is kept as true, false or never
    /// set, which RabbitMQ's metadata shows apart (the key is absent until protection is first enabled or disabled).
    /// </summary>
    [TestCase(true)]
    [TestCase(false)]
    [TestCase(null)]
    public void A_vhosts_deletion_protection_comes_back_after_reopening(bool? isProtected)
    {
        var metadata = new Core.VirtualHosts.VirtualHostMetadata { Description = "kept", ProtectedFromDeletion = isProtected };
        using (var store = SqliteDefinitionStore.Open(DataPath))
        {
            store.PutVirtualHost("orders");
            store.PutVirtualHostMetadata("orders", metadata);
        }

        using var reopened = SqliteDefinitionStore.Open(DataPath);

        Assert.That(reopened.Load().VirtualHostMetadata["orders"].ProtectedFromDeletion, Is.EqualTo(isProtected));
    }

    [Test]
    public void Putting_again_replaces_a_user_permission_or_policy()
    {
        using var store = SqliteDefinitionStore.Open(DataPath);
        store.PutUser(new User("alice", "old", []));
        store.PutUser(new User("alice", "new", ["management"]));
        store.PutPermission(new Permission("alice", "/", "a", "a", "a"));
        store.PutPermission(new Permission("alice", "/", "b", "b", "b"));
        store.PutPolicy(new Policy("/", "p", "a", PolicyApplyTo.All, 0, Definition));
        store.PutPolicy(new Policy("/", "p", "b", PolicyApplyTo.Queues, 1, new Dictionary<string, object?> { ["expires"] = 1L }));

        var loaded = store.Load();

        Assert.That(loaded.Users.Single().PasswordHash, Is.EqualTo("new"));
        Assert.That(loaded.Permissions.Single().Configure, Is.EqualTo("b"));
        Assert.That(loaded.Policies.Single().Pattern, Is.EqualTo("b"));
        Assert.That(loaded.Policies.Single().Definition.Keys, Is.EqualTo(new[] { "expires" }));
    }

    [Test]
    public void Deleting_a_user_deletes_its_permissions_in_every_vhost()
    {
        using var store = SqliteDefinitionStore.Open(DataPath);
        store.PutUser(new User("alice", "h", []));
        store.PutUser(new User("bob", "h", []));
        store.PutPermission(new Permission("alice", "/", ".*", ".*", ".*"));
        store.PutPermission(new Permission("alice", "other", ".*", ".*", ".*"));
        store.PutPermission(new Permission("bob", "/", ".*", ".*", ".*"));

        store.DeleteUser("alice");

        var loaded = store.Load();
        Assert.That(loaded.Users.Select(u => u.Name), Is.EqualTo(new[] { "bob" }));
        Assert.That(loaded.Permissions.Select(p => p.User), Is.EqualTo(new[] { "bob" }));
    }

    [Test]
    public void Deleting_one_permission_or_policy_leaves_the_others()
    {
        using var store = SqliteDefinitionStore.Open(DataPath);
        store.PutPermission(new Permission("alice", "/", ".*", ".*", ".*"));
        store.PutPermission(new Permission("alice", "other", ".*", ".*", ".*"));
        store.PutPolicy(new Policy("/", "p", ".*", PolicyApplyTo.All, 0, Definition));
        store.PutPolicy(new Policy("other", "p", ".*", PolicyApplyTo.All, 0, Definition));

        store.DeletePermission("alice", "/");
        store.DeletePolicy("/", "p");

        var loaded = store.Load();
        Assert.That(loaded.Permissions.Select(p => p.VirtualHost), Is.EqualTo(new[] { "other" }));
        Assert.That(loaded.Policies.Select(p => p.VirtualHost), Is.EqualTo(new[] { "other" }));
    }

    [Test]
    public void Deleting_a_vhost_deletes_everything_stored_in_it_and_nothing_elsewhere()
    {
        using var store = SqliteDefinitionStore.Open(DataPath);
        foreach (var vhost in new[] { "gone", "kept" })
        {
            store.PutVirtualHost(vhost);
            store.PutExchange(new ExchangeDefinition("x", vhost, ExchangeTypes.Direct, true, false, false, FieldTable.Empty));
            store.PutQueue(new QueueDefinition("q", vhost, true, false, false, FieldTable.Empty));
            store.PutBinding(new BindingDefinition(vhost, "x", "q", BindingDestinationKind.Queue, "k", FieldTable.Empty));
            store.PutPermission(new Permission("alice", vhost, ".*", ".*", ".*"));
            store.PutPolicy(new Policy(vhost, "p", ".*", PolicyApplyTo.All, 0, Definition));
        }

        store.PutUser(new User("alice", "h", []));

        store.DeleteVirtualHost("gone");

        var loaded = store.Load();
        Assert.That(loaded.VirtualHosts, Is.EqualTo(new[] { "kept" }));
        Assert.That(loaded.Exchanges.Select(e => e.VirtualHost), Is.EqualTo(new[] { "kept" }));
        Assert.That(loaded.Queues.Select(q => q.VirtualHost), Is.EqualTo(new[] { "kept" }));
        Assert.That(loaded.Bindings.Select(b => b.VirtualHost), Is.EqualTo(new[] { "kept" }));
        Assert.That(loaded.Permissions.Select(p => p.VirtualHost), Is.EqualTo(new[] { "kept" }));
        Assert.That(loaded.Policies.Select(p => p.VirtualHost), Is.EqualTo(new[] { "kept" }));
        Assert.That(loaded.Users, Has.Count.EqualTo(1), "users belong to no vhost");
    }
}
