using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Storage;
using AmqpBroker.Protocol.Encoding;
using AmqpBroker.Storage.Definitions;
using Microsoft.Data.Sqlite;
using AmqpBroker.Storage.Tests.TestSupport;

namespace AmqpBroker.Storage.Tests.Definitions;

[TestFixture]
public sealed class SqliteDefinitionStoreTests : TempDirectoryFixture
{
    private static readonly Dictionary<string, object?> RichArguments = new()
    {
        ["x-max-length"] = 5,
        ["x-message-ttl"] = 1000L,
        ["x-dead-letter-exchange"] = "dlx",
        ["flag"] = true,
        ["nested"] = new Dictionary<string, object?> { ["a"] = (short)1 },
        ["list"] = new List<object?> { "x", 2.5 },
        ["when"] = new AmqpTimestamp(1_700_000_000),
    };

    [Test]
    public void A_new_store_is_empty_and_at_the_latest_schema_version()
    {
        using (var store = SqliteDefinitionStore.Open(DataPath))
        {
            var loaded = store.Load();
            Assert.That(loaded.VirtualHosts.Count + loaded.Exchanges.Count + loaded.Queues.Count + loaded.Bindings.Count, Is.Zero);
        }

        Assert.That(SchemaVersion(), Is.EqualTo(SchemaMigrations.Latest));
    }

    [Test]
    public void Definitions_come_back_after_reopening_with_their_arguments_exactly()
    {
        using (var store = SqliteDefinitionStore.Open(DataPath))
        {
            store.PutVirtualHost("/");
            store.PutVirtualHost("other");
            store.PutExchange(new ExchangeDefinition("x", "/", ExchangeTypes.Topic, true, AutoDelete: true, Internal: true, RichArguments));
            store.PutQueue(new QueueDefinition("q", "other", true, false, AutoDelete: true, RichArguments));
            store.PutBinding(new BindingDefinition("/", "x", "q", BindingDestinationKind.Queue, "a.#", RichArguments));
            store.PutBinding(new BindingDefinition("/", "amq.topic", "x", BindingDestinationKind.Exchange, "b", FieldTable.Empty));
        }

        using var reopened = SqliteDefinitionStore.Open(DataPath);
        var loaded = reopened.Load();

        Assert.That(loaded.VirtualHosts, Is.EquivalentTo(new[] { "/", "other" }));
        var exchange = loaded.Exchanges.Single();
        Assert.That((exchange.Name, exchange.VirtualHost, exchange.Type, exchange.Durable, exchange.AutoDelete, exchange.Internal), Is.EqualTo(("x", "/", "topic", true, true, true)));
        Assert.That(exchange.Arguments, Is.EqualTo(RichArguments).Using(Core.Arguments.FieldTableComparer.Instance));
        var queue = loaded.Queues.Single();
        Assert.That((queue.Name, queue.VirtualHost, queue.Durable, queue.Exclusive, queue.AutoDelete), Is.EqualTo(("q", "other", true, false, true)));
        Assert.That(queue.Arguments["x-max-length"], Is.EqualTo(5).And.TypeOf<int>(), "the AMQP type survives, which redeclare equivalence needs");
        Assert.That(loaded.Bindings, Has.Count.EqualTo(2));
        Assert.That(loaded.Bindings[0].Arguments, Is.EqualTo(RichArguments).Using(Core.Arguments.FieldTableComparer.Instance));
        Assert.That(loaded.Bindings[1], Is.EqualTo(new BindingDefinition("/", "amq.topic", "x", BindingDestinationKind.Exchange, "b", loaded.Bindings[1].Arguments)));
    }

    [Test]
    public void Putting_again_replaces_and_does_not_duplicate()
    {
        using var store = SqliteDefinitionStore.Open(DataPath);
        store.PutVirtualHost("/");
        store.PutVirtualHost("/");
        store.PutQueue(new QueueDefinition("q", "/", true, false, false, FieldTable.Empty));
        store.PutQueue(new QueueDefinition("q", "/", true, false, true, FieldTable.Empty));
        var binding = new BindingDefinition("/", "amq.direct", "q", BindingDestinationKind.Queue, "k", FieldTable.Empty);
        store.PutBinding(binding);
        store.PutBinding(binding);

        var loaded = store.Load();

        Assert.That(loaded.VirtualHosts, Has.Count.EqualTo(1));
        Assert.That(loaded.Queues.Single().AutoDelete, Is.True);
        Assert.That(loaded.Bindings, Has.Count.EqualTo(1));
    }

    [Test]
    public void Deleting_a_queue_deletes_the_bindings_to_it_only()
    {
        using var store = SqliteDefinitionStore.Open(DataPath);
        store.PutQueue(new QueueDefinition("q", "/", true, false, false, FieldTable.Empty));
        store.PutQueue(new QueueDefinition("keep", "/", true, false, false, FieldTable.Empty));
        store.PutBinding(new BindingDefinition("/", "amq.direct", "q", BindingDestinationKind.Queue, "k", FieldTable.Empty));
        store.PutBinding(new BindingDefinition("/", "amq.direct", "keep", BindingDestinationKind.Queue, "k", FieldTable.Empty));
        store.PutBinding(new BindingDefinition("/", "amq.direct", "q", BindingDestinationKind.Exchange, "k", FieldTable.Empty));

        store.DeleteQueue("/", "q");

        var loaded = store.Load();
        Assert.That(loaded.Queues.Select(q => q.Name), Is.EqualTo(new[] { "keep" }));
        Assert.That(loaded.Bindings.Select(b => (b.Destination, b.DestinationKind)), Is.EquivalentTo(new[] { ("keep", BindingDestinationKind.Queue), ("q", BindingDestinationKind.Exchange) }));
    }

    [Test]
    public void Deleting_an_exchange_deletes_the_bindings_from_and_to_it()
    {
        using var store = SqliteDefinitionStore.Open(DataPath);
        store.PutExchange(new ExchangeDefinition("x", "/", ExchangeTypes.Direct, true, false, false, FieldTable.Empty));
        store.PutBinding(new BindingDefinition("/", "x", "q", BindingDestinationKind.Queue, "k", FieldTable.Empty));
        store.PutBinding(new BindingDefinition("/", "amq.direct", "x", BindingDestinationKind.Exchange, "k", FieldTable.Empty));
        store.PutBinding(new BindingDefinition("/", "amq.direct", "q", BindingDestinationKind.Queue, "k", FieldTable.Empty));
        store.PutBinding(new BindingDefinition("other", "x", "q", BindingDestinationKind.Queue, "k", FieldTable.Empty));

        store.DeleteExchange("/", "x");

        var loaded = store.Load();
        Assert.That(loaded.Exchanges, Is.Empty);
        Assert.That(loaded.Bindings.Select(b => (b.VirtualHost, b.Source)), Is.EquivalentTo(new[] { ("/", "amq.direct"), ("other", "x") }));
    }

    [Test]
    public void Deleting_one_binding_matches_its_arguments()
    {
        using var store = SqliteDefinitionStore.Open(DataPath);
        var withArguments = new BindingDefinition("/", "amq.headers", "q", BindingDestinationKind.Queue, "", new Dictionary<string, object?> { ["x-match"] = "any" });
        var without = withArguments with { Arguments = FieldTable.Empty };
        store.PutBinding(withArguments);
        store.PutBinding(without);

        store.DeleteBinding(without);

        Assert.That(store.Load().Bindings.Single().Arguments, Contains.Key("x-match"));
    }

    [Test]
    public void A_database_from_a_newer_broker_is_refused_with_a_clear_message()
    {
        SqliteDefinitionStore.Open(DataPath).Dispose();
        Sql("UPDATE schema_version SET version = 999");

        var error = Assert.Throws<InvalidOperationException>(() => SqliteDefinitionStore.Open(DataPath));

        Assert.That(error.Message, Does.Contain("schema version 999"));
    }

    private long SchemaVersion()
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM schema_version";
        return (long)command.ExecuteScalar()!;
    }

    private void Sql(string sql)
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(DataPath, SqliteDefinitionStore.FileName)};Pooling=False");
        connection.Open();
        return connection;
    }
}
