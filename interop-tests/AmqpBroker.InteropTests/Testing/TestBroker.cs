using AmqpBroker.Core.Testing.Faults;
using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.Testing;

/// <summary>
/// What a user's test does with the toolkit: start an in-process broker of its own (ephemeral ports, in
/// memory) and connect RabbitMQ.Client to it, with automatic recovery as applications run it.
/// </summary>
internal static class TestBroker
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public static Task<BrokerHost> StartAsync(Action<BrokerOptions>? configure = null)
    {
        var options = new BrokerOptions { Port = 0, ManagementPort = BrokerOptions.ManagementDisabled, Bind = "127.0.0.1", InMemory = true };
        configure?.Invoke(options);
        return BrokerHost.StartAsync(options);
    }

    /// <summary>A factory with automatic connection and topology recovery, retrying quickly; connections get a unique client-provided name.</summary>
    public static ConnectionFactory RecoveringFactory(BrokerHost broker, string name) => new()
    {
        Uri = broker.AmqpUri,
        ClientProvidedName = $"{name}-{Guid.NewGuid():N}",
        AutomaticRecoveryEnabled = true,
        TopologyRecoveryEnabled = true,
        NetworkRecoveryInterval = TimeSpan.FromMilliseconds(100),
        RequestedConnectionTimeout = Timeout,
        ContinuationTimeout = Timeout,
    };

    /// <summary>Completes with the arguments of the connection's next shutdown.</summary>
    public static Task<ShutdownEventArgs> NextShutdownAsync(IConnection connection)
    {
        var shutdown = new TaskCompletionSource<ShutdownEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.ConnectionShutdownAsync += (_, args) =>
        {
            shutdown.TrySetResult(args);
            return Task.CompletedTask;
        };
        return shutdown.Task;
    }

    /// <summary>Completes when automatic recovery has reconnected.</summary>
    public static Task NextRecoveryAsync(IConnection connection)
    {
        var recovered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.RecoverySucceededAsync += (_, _) =>
        {
            recovered.TrySetResult();
            return Task.CompletedTask;
        };
        return recovered.Task;
    }

    /// <summary>
    /// A connection the broker already lists: RabbitMQ.Client returns from CreateConnectionAsync before
    /// connection.open-ok has arrived (rabbitmq-dotnet-client#1999), so a fault aimed at it by name at once could
    /// find no such connection yet.
    /// </summary>
    public static async Task<IConnection> ConnectAsync(BrokerHost broker, ConnectionFactory factory)
    {
        var connection = await factory.CreateConnectionAsync();
        var scope = FaultScope.ForConnection(factory.ClientProvidedName!);
        var deadline = DateTime.UtcNow + Timeout;
        while (!broker.Broker.Connections.Any(scope.Matches) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        return connection;
    }

    /// <summary>Publishes one message to the queue and reads it back with basic.get: the connection works.</summary>
    public static async Task AssertRoundTripAsync(IChannel channel, string queue, string body)
    {
        await channel.BasicPublishAsync("", queue, Encoding.UTF8.GetBytes(body));
        BasicGetResult? got = null;
        var deadline = DateTime.UtcNow + Timeout;
        while (got is null && DateTime.UtcNow < deadline)
        {
            got = await channel.BasicGetAsync(queue, autoAck: true);
            if (got is null)
            {
                await Task.Delay(20);
            }
        }

        Assert.That(got is null ? null : Encoding.UTF8.GetString(got.Body.Span), Is.EqualTo(body));
    }
}
