using AmqpBroker.Core.Security;
using AmqpBroker.Storage.Definitions;
using Microsoft.Data.Sqlite;
using AmqpBroker.Storage.Tests.TestSupport;

namespace AmqpBroker.Storage.Tests.Definitions;

/// <summary>A database written by an older broker is brought up to date on open, keeping what it held.</summary>
[TestFixture]
public sealed class SchemaMigrationTests : TempDirectoryFixture
{
    /// <summary>The schema exactly as version 1 (durable topology only) created it; released migrations never change.</summary>
    private const string VersionOneSchema = """
        CREATE TABLE schema_version (version INTEGER NOT NULL);
        INSERT INTO schema_version (version) VALUES (1);
        CREATE TABLE vhosts (name TEXT NOT NULL PRIMARY KEY);
        CREATE TABLE exchanges (
            vhost TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
            auto_delete INTEGER NOT NULL, internal INTEGER NOT NULL, arguments BLOB NOT NULL,
            PRIMARY KEY (vhost, name));
        CREATE TABLE queues (
            vhost TEXT NOT NULL, name TEXT NOT NULL, auto_delete INTEGER NOT NULL, arguments BLOB NOT NULL,
            PRIMARY KEY (vhost, name));
        CREATE TABLE bindings (
            vhost TEXT NOT NULL, source TEXT NOT NULL, destination TEXT NOT NULL, destination_kind TEXT NOT NULL,
            routing_key TEXT NOT NULL, arguments BLOB NOT NULL,
            PRIMARY KEY (vhost, source, destination, destination_kind, routing_key, arguments));
        CREATE INDEX bindings_by_destination ON bindings (vhost, destination_kind, destination);
        INSERT INTO vhosts (name) VALUES ('/'), ('staging');
        INSERT INTO queues (vhost, name, auto_delete, arguments) VALUES ('staging', 'orders', 0, x'00000000');
        """;

    [Test]
    public void A_version_one_database_gains_users_permissions_and_policies_and_keeps_its_topology()
    {
        using (var connection = OpenRaw())
        {
            using var command = connection.CreateCommand();
            command.CommandText = VersionOneSchema;
            command.ExecuteNonQuery();
        }

        using var store = SqliteDefinitionStore.Open(DataPath);
        var loaded = store.Load();

        using (var connection = OpenRaw())
        {
            Assert.That(SchemaMigrations.CurrentVersion(connection), Is.EqualTo(SchemaMigrations.Latest));
        }

        Assert.That(loaded.VirtualHosts, Is.EquivalentTo(new[] { "/", "staging" }));
        Assert.That(loaded.Queues.Single().Name, Is.EqualTo("orders"));
        Assert.That(loaded.Users, Is.Empty, "no users yet: the broker's first start with it creates the default user");
        Assert.That(loaded.Permissions, Is.Empty);
        Assert.That(loaded.Policies, Is.Empty);

        store.PutUser(new User("alice", "h", []));
        store.PutPermission(new Permission("alice", "staging", ".*", ".*", ".*"));
        Assert.That(store.Load().Permissions.Single().VirtualHost, Is.EqualTo("staging"));
    }

    private SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(DataPath, SqliteDefinitionStore.FileName)};Pooling=False");
        connection.Open();
        return connection;
    }
}
