using AmqpBroker.Hosting;
using Microsoft.Extensions.Time.Testing;
using RabbitMQ.Client;

namespace AmqpBroker.XunitExample;

/// <summary>
/// One broker for the whole collection of order tests: it starts in milliseconds on a free port, in memory,
/// with a clock the tests move. The topology the application expects is declared once and snapshotted, so
/// every test starts from it (see <see cref="OrderTests"/>).
/// </summary>
public sealed class OrderBrokerFixture : IAsyncLifetime
{
    public FakeTimeProvider Clock { get; } = new();

    public BrokerHost Broker { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Broker = await BrokerHost.StartAsync(new BrokerOptions { TimeProvider = Clock });

        await using var connection = await Connect();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync("orders", ExchangeType.Topic, durable: true);
        await channel.QueueDeclareAsync("orders.created", durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?>
        {
            ["x-message-ttl"] = 24 * 60 * 60 * 1000,
            ["x-dead-letter-exchange"] = "",
            ["x-dead-letter-routing-key"] = "orders.stale",
        });
        await channel.QueueDeclareAsync("orders.stale", durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync("orders.created", "orders", "order.created");
        await connection.CloseAsync();

        await Broker.SnapshotAsync();
    }

    public async Task DisposeAsync() => await Broker.DisposeAsync();

    /// <summary>The application's connection settings, pointed at the test broker. No heartbeats: the tests move the clock by hours.</summary>
    public Task<IConnection> Connect() =>
        new ConnectionFactory { Uri = Broker.AmqpUri, RequestedHeartbeat = TimeSpan.Zero }.CreateConnectionAsync();
}

[CollectionDefinition(Name)]
public sealed class OrderBrokerCollection : ICollectionFixture<OrderBrokerFixture>
{
    public const string Name = "order broker";
}
