using Microsoft.Data.Sqlite;

namespace AmqpBroker.Storage.Definitions;

/// <summary>
/// The definitions schema, as an append-only list of migrations: migration N brings a database from
/// version N-1 to N. Released migrations are never edited; a change to the schema is a new entry.
/// </summary>
internal static class SchemaMigrations
{
    private static readonly string[] Migrations =
    [
        """
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
        """,
        """
        CREATE TABLE users (name TEXT NOT NULL PRIMARY KEY, password_hash TEXT NOT NULL, tags TEXT NOT NULL);
        CREATE TABLE permissions (
            user_name TEXT NOT NULL, vhost TEXT NOT NULL, configure TEXT NOT NULL, write TEXT NOT NULL, read TEXT NOT NULL,
            PRIMARY KEY (user_name, vhost));
        CREATE TABLE policies (
            vhost TEXT NOT NULL, name TEXT NOT NULL, pattern TEXT NOT NULL, apply_to TEXT NOT NULL, priority INTEGER NOT NULL,
            definition BLOB NOT NULL,
            PRIMARY KEY (vhost, name));
        """,
        """
        CREATE TABLE parameters (
            component TEXT NOT NULL, vhost TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
            PRIMARY KEY (component, vhost, name));
        """,
        """
        ALTER TABLE vhosts ADD COLUMN default_queue_type TEXT;
        """,
        """
        ALTER TABLE users ADD COLUMN hashing_algorithm TEXT NOT NULL DEFAULT 'rabbit_password_hashing_sha256';
        CREATE TABLE topic_permissions (
            user_name TEXT NOT NULL, vhost TEXT NOT NULL, exchange TEXT NOT NULL, write TEXT NOT NULL, read TEXT NOT NULL,
            PRIMARY KEY (user_name, vhost, exchange));
        CREATE TABLE vhost_limits (vhost TEXT NOT NULL PRIMARY KEY, limits TEXT NOT NULL);
        CREATE TABLE user_limits (user_name TEXT NOT NULL PRIMARY KEY, limits TEXT NOT NULL);
        """,
        """
        CREATE TABLE global_parameters (name TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL);
        """,
        """
        ALTER TABLE vhosts ADD COLUMN description TEXT NOT NULL DEFAULT '';
        ALTER TABLE vhosts ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
        """,
        """
        ALTER TABLE vhosts ADD COLUMN protected_from_deletion INTEGER;
        """,
    ];

    public static int Latest => Migrations.Length;

    /// <summary>Applies every migration the database has not seen yet, each in its own transaction.</summary>
    public static void Apply(SqliteConnection connection)
    {
        Execute(connection, null, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        var current = CurrentVersion(connection);
        if (current > Latest)
        {
            throw new InvalidOperationException(
                $"the definitions database has schema version {current}, newer than this broker knows ({Latest}); use a newer broker");
        }

        for (var version = current + 1; version <= Latest; version++)
        {
            using var transaction = connection.BeginTransaction();
            Execute(connection, transaction, Migrations[version - 1]);
            Execute(connection, transaction, "DELETE FROM schema_version");
            Execute(connection, transaction, $"INSERT INTO schema_version (version) VALUES ({version})");
            transaction.Commit();
        }
    }

    public static int CurrentVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(version) FROM schema_version";
        return command.ExecuteScalar() is long version ? (int)version : 0;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
