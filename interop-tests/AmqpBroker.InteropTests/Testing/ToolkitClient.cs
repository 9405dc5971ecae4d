using AmqpBroker.Core.Testing.Faults;
using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.Testing;

/// <summary>
/// What most toolkit tests start with: a broker of the test's own and one connection to it with automatic recovery
/// (its unique client-provided name is what a fault is aimed at) and one channel. Disposing it disposes all three.
/// </summary>
internal sealed class ToolkitClient(BrokerHost broker, IConnection connection, IChannel channel) : IAsyncDisposable
{
    public BrokerHost Broker => broker;

    public IConnection Connection => connection;

    public IChannel Channel => channel;

    /// <summary>This client's connection, as a fault scope.</summary>
    public FaultScope ConnectionScope => FaultScope.ForConnection(Connection.ClientProvidedName!);

    /// <summary>This client's channel, as a fault scope.</summary>
    public FaultScope ChannelScope => FaultScope.ForChannel(Connection.ClientProvidedName!, (ushort)Channel.ChannelNumber);

    /// <param name="name">The start of the connection's client-provided name.</param>
    /// <param name="channelOptions">Options of the channel, e.g. publisher confirms.</param>
    /// <param name="configureFactory">Changes to <see cref="TestBroker.RecoveringFactory"/>'s settings, e.g. a heartbeat.</param>
    public static async Task<ToolkitClient> StartAsync(string name, CreateChannelOptions? channelOptions = null, Action<ConnectionFactory>? configureFactory = null)
    {
        var broker = await TestBroker.StartAsync();
        var factory = TestBroker.RecoveringFactory(broker, name);
        configureFactory?.Invoke(factory);
        var connection = await factory.CreateConnectionAsync();
        return new ToolkitClient(broker, connection, await connection.CreateChannelAsync(channelOptions));
    }

    /// <summary>
    /// Declares <paramref name="queue"/> and watches the connection's next shutdown and recovery: what a test that
    /// breaks the connection needs to see the client notice it and get it back.
    /// </summary>
    public async Task<RecoveryWatch> WatchRecoveryAsync(string queue)
    {
        await Channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false);
        return new RecoveryWatch(Channel, queue, TestBroker.NextShutdownAsync(Connection), TestBroker.NextRecoveryAsync(Connection));
    }

    public async ValueTask DisposeAsync()
    {
        await channel.DisposeAsync();
        await connection.DisposeAsync();
        await broker.DisposeAsync();
    }
}

/// <summary>A connection's next shutdown and recovery, and a queue to prove the recovered channel works.</summary>
internal sealed class RecoveryWatch(IChannel channel, string queue, Task<ShutdownEventArgs> shutdown, Task recovered)
{
    /// <summary>The arguments of the shutdown, once it came (a test failure if it does not come in time).</summary>
    public Task<ShutdownEventArgs> ShutdownAsync() => shutdown.WaitAsync(TestBroker.Timeout);

    /// <summary>Waits for automatic recovery, then round-trips <paramref name="body"/> through the queue on the recovered channel.</summary>
    public async Task AssertRecoveredAsync(string body)
    {
        await recovered.WaitAsync(TestBroker.Timeout);
        await TestBroker.AssertRoundTripAsync(channel, queue, body);
    }
}
