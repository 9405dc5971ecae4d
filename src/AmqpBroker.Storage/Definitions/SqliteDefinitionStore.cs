using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Parameters;
using AmqpBroker.Core.Policies;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.Storage;
using AmqpBroker.Core.VirtualHosts;
using Microsoft.Data.Sqlite;

namespace AmqpBroker.Storage.Definitions;

/// <summary>
/// Durable definitions (vhosts, users, permissions, topic permissions, limits, policies, parameters, exchanges,
/// queues, bindings) in one SQLite file
/// (<c>definitions.db</c>) under the data directory. Every change commits at once, in one transaction, with a
/// full sync: changes are rare and must survive a crash the moment they are answered. A batch (a definitions
/// import) runs every change until it ends in one transaction instead.
/// </summary>
public sealed class SqliteDefinitionStore : IDefinitionStore
{
    public const string FileName = "definitions.db";

    private readonly SqliteConnection _connection;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _batchGate = new(1, 1);

    // Each statement is prepared once and reused: an import of 100,000 queues spends its time storing, not parsing SQL.
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private SqliteTransaction? _batch;

    private SqliteDefinitionStore(SqliteConnection connection) => _connection = connection;

    /// <summary>Opens (creating if needed) the database in <paramref name="dataDirectory"/> and brings its schema up to date.</summary>
    public static SqliteDefinitionStore Open(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
            SchemaMigrations.Apply(connection);
            return new SqliteDefinitionStore(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public StoredDefinitions Load()
    {
        lock (_lock)
        {
            var virtualHosts = Query(_connection, "SELECT name FROM vhosts", r => r.GetString(0));
            var metadata = Query(_connection, "SELECT name, default_queue_type, description, tags, protected_from_deletion FROM vhosts", r =>
                (Name: r.GetString(0), Metadata: new VirtualHostMetadata(r.IsDBNull(1) ? null : r.GetString(1))
                {
                    Description = r.GetString(2),
                    Tags = System.Text.Json.JsonSerializer.Deserialize<string[]>(r.GetString(3)) ?? [],
                    ProtectedFromDeletion = r.IsDBNull(4) ? null : r.GetBoolean(4),
                })).Where(m => m.Metadata != VirtualHostMetadata.None).ToList();
            var exchanges = Query(_connection, "SELECT vhost, name, type, auto_delete, internal, arguments FROM exchanges", r =>
                new ExchangeDefinition(r.GetString(1), r.GetString(0), r.GetString(2), Durable: true, r.GetBoolean(3), r.GetBoolean(4), FieldTableBlob.Decode((byte[])r[5])));
            var queues = Query(_connection, "SELECT vhost, name, auto_delete, arguments FROM queues", r =>
                new QueueDefinition(r.GetString(1), r.GetString(0), Durable: true, Exclusive: false, r.GetBoolean(2), FieldTableBlob.Decode((byte[])r[3])));
            var bindings = Query(_connection, "SELECT vhost, source, destination, destination_kind, routing_key, arguments FROM bindings ORDER BY rowid", r =>
                new BindingDefinition(r.GetString(0), r.GetString(1), r.GetString(2), Enum.Parse<BindingDestinationKind>(r.GetString(3)), r.GetString(4), FieldTableBlob.Decode((byte[])r[5])));
            var users = Query(_connection, "SELECT name, password_hash, tags, hashing_algorithm FROM users", r =>
                new User(r.GetString(0), r.GetString(1), r.GetString(2).Split(',', StringSplitOptions.RemoveEmptyEntries)) { HashingAlgorithm = r.GetString(3) });
            var permissions = Query(_connection, "SELECT user_name, vhost, configure, write, read FROM permissions", r =>
                new Permission(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4)));
            var policies = Query(_connection, "SELECT vhost, name, pattern, apply_to, priority, definition FROM policies", r =>
                new Policy(r.GetString(0), r.GetString(1), r.GetString(2), Enum.Parse<PolicyApplyTo>(r.GetString(3)), r.GetInt32(4), FieldTableBlob.Decode((byte[])r[5])));
            var topicPermissions = Query(_connection, "SELECT user_name, vhost, exchange, write, read FROM topic_permissions", r =>
                new TopicPermission(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4)));
            var parameters = Query(_connection, "SELECT component, vhost, name, value FROM parameters", r =>
                RuntimeParameter.FromJson(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)));
            return new StoredDefinitions(virtualHosts, exchanges, queues, bindings)
            {
                Users = users,
                Permissions = permissions,
                Policies = policies,
                TopicPermissions = topicPermissions,
                VirtualHostLimits = LimitsOf("SELECT vhost, limits FROM vhost_limits"),
                UserLimits = LimitsOf("SELECT user_name, limits FROM user_limits"),
                Parameters = parameters,
                GlobalParameters = Query(_connection, "SELECT name, value FROM global_parameters", r => (Name: r.GetString(0), Value: r.GetString(1))).ToDictionary(p => p.Name, p => p.Value),
                VirtualHostMetadata = metadata.ToDictionary(m => m.Name, m => m.Metadata),
            };
        }
    }

    public IDefinitionBatch BeginBatch()
    {
        _batchGate.Wait();
        lock (_lock)
        {
            _batch = _connection.BeginTransaction();
        }

        return new Batch(this);
    }

    public void PutVirtualHost(string name) => Insert("IGNORE", "vhosts", ("name", name));

    public void PutVirtualHostMetadata(string name, VirtualHostMetadata metadata) =>
        Change(
            "UPDATE vhosts SET default_queue_type = $type, description = $description, tags = $tags, protected_from_deletion = $protected WHERE name = $name",
            ("$name", name),
            ("$protected", (object?)metadata.ProtectedFromDeletion ?? DBNull.Value),
            ("$type", (object?)metadata.DefaultQueueType ?? DBNull.Value),
            ("$description", metadata.Description),
            ("$tags", System.Text.Json.JsonSerializer.Serialize(metadata.Tags)));

    public void DeleteVirtualHost(string name) => Change(
        """
        DELETE FROM vhosts WHERE name = $vhost;
        DELETE FROM exchanges WHERE vhost = $vhost;
        DELETE FROM queues WHERE vhost = $vhost;
        DELETE FROM bindings WHERE vhost = $vhost;
        DELETE FROM permissions WHERE vhost = $vhost;
        DELETE FROM topic_permissions WHERE vhost = $vhost;
        DELETE FROM vhost_limits WHERE vhost = $vhost;
        DELETE FROM policies WHERE vhost = $vhost;
        DELETE FROM parameters WHERE vhost = $vhost;
        """,
        ("$vhost", name));

    public void PutUser(User user) => Insert(
        "REPLACE",
        "users",
        ("name", user.Name),
        ("password_hash", user.PasswordHash),
        ("tags", string.Join(',', user.Tags)),
        ("hashing_algorithm", user.HashingAlgorithm));

    public void DeleteUser(string name) => Change(
        """
        DELETE FROM users WHERE name = $name;
        DELETE FROM permissions WHERE user_name = $name;
        DELETE FROM topic_permissions WHERE user_name = $name;
        DELETE FROM user_limits WHERE user_name = $name;
        """,
        ("$name", name));

    public void PutPermission(Permission permission) => Insert(
        "REPLACE",
        "permissions",
        ("user_name", permission.User),
        ("vhost", permission.VirtualHost),
        ("configure", permission.Configure),
        ("write", permission.Write),
        ("read", permission.Read));

    public void DeletePermission(string user, string virtualHost) => Delete("permissions", ("user_name", user), ("vhost", virtualHost));

    public void PutTopicPermission(TopicPermission permission) => Insert(
        "REPLACE",
        "topic_permissions",
        ("user_name", permission.User),
        ("vhost", permission.VirtualHost),
        ("exchange", permission.Exchange),
        ("write", permission.Write),
        ("read", permission.Read));

    public void DeleteTopicPermission(string user, string virtualHost, string exchange) =>
        Delete("topic_permissions", ("user_name", user), ("vhost", virtualHost), ("exchange", exchange));

    public void PutVirtualHostLimits(string virtualHost, IReadOnlyList<Limit> limits) => PutLimits("vhost_limits", ("vhost", virtualHost), limits);

    public void PutUserLimits(string user, IReadOnlyList<Limit> limits) => PutLimits("user_limits", ("user_name", user), limits);

    public void PutPolicy(Policy policy) => Insert(
        "REPLACE",
        "policies",
        ("vhost", policy.VirtualHost),
        ("name", policy.Name),
        ("pattern", policy.Pattern),
        ("apply_to", policy.ApplyTo.ToString()),
        ("priority", policy.Priority),
        ("definition", FieldTableBlob.Encode(policy.Definition)));

    public void DeletePolicy(string virtualHost, string name) => Delete("policies", ("vhost", virtualHost), ("name", name));

    public void PutParameter(RuntimeParameter parameter) => Insert(
        "REPLACE",
        "parameters",
        ("component", parameter.Component),
        ("vhost", parameter.VirtualHost),
        ("name", parameter.Name),
        ("value", parameter.ValueJson));

    public void DeleteParameter(string component, string virtualHost, string name) =>
        Delete("parameters", ("component", component), ("vhost", virtualHost), ("name", name));

    public void PutGlobalParameter(string name, string valueJson) => Insert("REPLACE", "global_parameters", ("name", name), ("value", valueJson));

    public void DeleteGlobalParameter(string name) => Delete("global_parameters", ("name", name));

    public void PutExchange(ExchangeDefinition exchange) => Insert(
        "REPLACE",
        "exchanges",
        ("vhost", exchange.VirtualHost),
        ("name", exchange.Name),
        ("type", exchange.Type),
        ("auto_delete", exchange.AutoDelete),
        ("internal", exchange.Internal),
        ("arguments", FieldTableBlob.Encode(exchange.Arguments)));

    public void DeleteExchange(string virtualHost, string name) => Change(
        """
        DELETE FROM exchanges WHERE vhost = $vhost AND name = $name;
        DELETE FROM bindings WHERE vhost = $vhost AND (source = $name OR (destination_kind = 'Exchange' AND destination = $name));
        """,
        ("$vhost", virtualHost),
        ("$name", name));

    public void PutQueue(QueueDefinition queue) => Insert(
        "REPLACE",
        "queues",
        ("vhost", queue.VirtualHost),
        ("name", queue.Name),
        ("auto_delete", queue.AutoDelete),
        ("arguments", FieldTableBlob.Encode(queue.Arguments)));

    public void DeleteQueue(string virtualHost, string name) => Change(
        """
        DELETE FROM queues WHERE vhost = $vhost AND name = $name;
        DELETE FROM bindings WHERE vhost = $vhost AND destination_kind = 'Queue' AND destination = $name;
        """,
        ("$vhost", virtualHost),
        ("$name", name));

    // Every column is the key, so IGNORE rather than REPLACE: a binding stored again keeps its rowid, the order Load restores.
    public void PutBinding(BindingDefinition binding) => Insert("IGNORE", "bindings", BindingRow(binding));

    public void DeleteBinding(BindingDefinition binding) => Delete("bindings", BindingRow(binding));

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var command in _commands.Values)
            {
                command.Dispose();
            }

            _connection.Dispose();
        }

        _batchGate.Dispose();
    }

    private Dictionary<string, IReadOnlyList<Limit>> LimitsOf(string sql) =>
        Query(_connection, sql, r => (Owner: r.GetString(0), Limits: LimitText.Parse(r.GetString(1))))
            .ToDictionary(row => row.Owner, row => row.Limits, StringComparer.Ordinal);

    private static (string, object)[] BindingRow(BindingDefinition binding) =>
    [
        ("vhost", binding.VirtualHost),
        ("source", binding.Source),
        ("destination", binding.Destination),
        ("destination_kind", binding.DestinationKind.ToString()),
        ("routing_key", binding.RoutingKey),
        ("arguments", FieldTableBlob.Encode(binding.Arguments)),
    ];

    /// <summary>An owner's limits are one row; no limits, no row.</summary>
    private void PutLimits(string table, (string Column, object Value) owner, IReadOnlyList<Limit> limits)
    {
        if (limits.Count == 0)
        {
            Delete(table, owner);
        }
        else
        {
            Insert("REPLACE", table, owner, ("limits", LimitText.Format(limits)));
        }
    }

    /// <summary>
    /// One row in, <c>INSERT OR <paramref name="conflict"/></c> (REPLACE or IGNORE) when its key is taken: each column is
    /// named once, and bound to the parameter of its name.
    /// </summary>
    private void Insert(string conflict, string table, params (string Column, object Value)[] row) => Change(
        $"INSERT OR {conflict} INTO {table} ({string.Join(", ", row.Select(c => c.Column))}) VALUES ({string.Join(", ", row.Select(c => "$" + c.Column))})",
        Parameters(row));

    /// <summary>The rows whose columns all hold the values of <paramref name="key"/> out.</summary>
    private void Delete(string table, params (string Column, object Value)[] key) => Change(
        $"DELETE FROM {table} WHERE {string.Join(" AND ", key.Select(c => $"{c.Column} = ${c.Column}"))}",
        Parameters(key));

    private static (string, object)[] Parameters((string Column, object Value)[] columns) => [.. columns.Select(c => ("$" + c.Column, c.Value))];

    private void Change(string sql, params (string Name, object Value)[] parameters)
    {
        lock (_lock)
        {
            // One transaction, so a change of several statements (a vhost and its contents) is all or nothing;
            // in a batch, the batch's.
            using var own = _batch is null ? _connection.BeginTransaction() : null;
            if (!_commands.TryGetValue(sql, out var command))
            {
                command = _connection.CreateCommand();
                command.CommandText = sql;
                _commands[sql] = command;
            }

            command.Transaction = _batch ?? own;
            command.Parameters.Clear();
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            command.ExecuteNonQuery();
            own?.Commit();
        }
    }

    private void EndBatch(bool commit)
    {
        lock (_lock)
        {
            try
            {
                if (commit)
                {
                    _batch!.Commit();
                }
                else
                {
                    _batch!.Rollback();
                }
            }
            finally
            {
                _batch!.Dispose();
                _batch = null;
                _batchGate.Release();
            }
        }
    }

    private sealed class Batch(SqliteDefinitionStore store) : IDefinitionBatch
    {
        private bool _ended;

        public void Commit()
        {
            ObjectDisposedException.ThrowIf(_ended, this);
            _ended = true;
            store.EndBatch(commit: true);
        }

        public void Dispose()
        {
            if (!_ended)
            {
                _ended = true;
                store.EndBatch(commit: false);
            }
        }
    }

    private static List<T> Query<T>(SqliteConnection connection, string sql, Func<SqliteDataReader, T> read)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
