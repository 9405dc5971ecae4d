using System.Text;
using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.Support;

/// <summary>
/// Base of every interop fixture: one in-process broker per fixture (port 0, in-memory storage), or the
/// broker named by the <c>AMQP_URI</c> environment variable so the same expectations can be checked
/// against a real RabbitMQ. Connections opened through <see cref="ConnectAsync"/> and queues/exchanges
/// registered with <see cref="Track"/> are cleaned up after each test.
/// </summary>
public abstract class BrokerTestBase
{
    /// <summary>Upper bound for anything that is expected to happen.</summary>
    protected internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>How long we watch for something that must not happen.</summary>
    protected static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(400);

    private readonly List<IConnection> _connections = [];
    private readonly List<(bool IsQueue, string Name)> _entities = [];

    /// <summary>The in-process broker, or null when the suite runs against <c>AMQP_URI</c>.</summary>
    protected BrokerHost? Host { get; private set; }

    protected Uri AmqpUri { get; private set; } = null!;

    protected static string? ExternalUri => Environment.GetEnvironmentVariable("AMQP_URI") is { Length: > 0 } uri ? uri : null;

    protected static bool IsExternal => ExternalUri is not null;

    /// <summary>Options for this fixture's in-process broker (admin API on an ephemeral port); override to change settings.</summary>
    protected virtual BrokerOptions CreateOptions() => new() { Port = 0, ManagementPort = 0, Bind = "127.0.0.1", InMemory = true };

    [OneTimeSetUp]
    public async Task StartBrokerAsync()
    {
        if (ExternalUri is { } uri)
        {
            AmqpUri = new Uri(uri);
            return;
        }

        Host = await BrokerHost.StartAsync(CreateOptions());
        AmqpUri = Host.AmqpUri;
    }

    [OneTimeTearDown]
    public async Task StopBrokerAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
            Host = null;
        }
    }

    [TearDown]
    public async Task CleanUpAsync()
    {
        if (_entities.Count > 0)
        {
            try
            {
                await using var connection = await CreateFactory().CreateConnectionAsync();
                foreach (var (isQueue, name) in _entities)
                {
                    // A fresh channel per entity: deleting one that is locked by another connection closes it.
                    try
                    {
                        await using var channel = await connection.CreateChannelAsync();
                        if (isQueue)
                        {
                            await channel.QueueDeleteAsync(name);
                        }
                        else
                        {
                            await channel.ExchangeDeleteAsync(name);
                        }
                    }
                    catch (OperationInterruptedException)
                    {
                    }
                }
            }
            catch (BrokerUnreachableException)
            {
            }
        }

        _entities.Clear();
        foreach (var connection in _connections)
        {
            try
            {
                await connection.DisposeAsync();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        _connections.Clear();
    }

    /// <summary>A name unique to this test run, readable in the broker's queue list.</summary>
    protected static string UniqueName(string what = "q")
    {
        var test = TestContext.CurrentContext.Test.Name;
        if (test.Length > 60)
        {
            test = test[..60];
        }

        return $"interop.{test}.{what}.{Guid.NewGuid():N}";
    }

    /// <summary>Remembers a queue to delete after the test (matters only against a long-lived broker).</summary>
    protected string Track(string queue)
    {
        _entities.Add((true, queue));
        return queue;
    }

    protected string TrackExchange(string exchange)
    {
        _entities.Add((false, exchange));
        return exchange;
    }

    protected ConnectionFactory CreateFactory() => new()
    {
        Uri = AmqpUri,
        AutomaticRecoveryEnabled = false,
        TopologyRecoveryEnabled = false,
        ClientProvidedName = TestContext.CurrentContext.Test.Name,
        RequestedConnectionTimeout = Timeout,
        ContinuationTimeout = Timeout,
        HandshakeContinuationTimeout = Timeout,
    };

    /// <summary>Opens a connection that is disposed after the test.</summary>
    protected async Task<IConnection> ConnectAsync(Action<ConnectionFactory>? configure = null)
    {
        var factory = CreateFactory();
        configure?.Invoke(factory);
        var connection = await factory.CreateConnectionAsync();
        _connections.Add(connection);
        return connection;
    }

    /// <summary>A new connection with one channel on it.</summary>
    protected async Task<IChannel> OpenChannelAsync(CreateChannelOptions? options = null)
    {
        var connection = await ConnectAsync();
        return await connection.CreateChannelAsync(options);
    }

    /// <summary>Declares a non-durable, non-exclusive, non-auto-delete queue with a unique name.</summary>
    protected async Task<string> DeclareQueueAsync(IChannel channel, string what = "q")
    {
        var name = Track(UniqueName(what));
        var ok = await channel.QueueDeclareAsync(name, durable: false, exclusive: false, autoDelete: false);
        Assert.That(ok.QueueName, Is.EqualTo(name));
        return name;
    }

    protected static async Task PublishAsync(IChannel channel, string queue, params string[] bodies)
    {
        foreach (var body in bodies)
        {
            await channel.BasicPublishAsync(string.Empty, queue, Encoding.UTF8.GetBytes(body));
        }
    }

    protected static string Text(ReadOnlyMemory<byte> body) => Encoding.UTF8.GetString(body.Span);

    /// <summary>
    /// Waits for the channel to be closed (by the server, normally) and returns why. Subscribe before
    /// provoking the error, or pass a channel that may already be closed.
    /// </summary>
    protected static ChannelCloseWatcher WatchClose(IChannel channel) => new(channel);

    /// <summary>Runs <paramref name="operation"/> and returns the reply code of the error it must raise.</summary>
    protected static async Task<ShutdownEventArgs> ExpectOperationInterruptedAsync(Func<Task> operation)
    {
        try
        {
            await operation().WaitAsync(Timeout);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason is not null)
        {
            return e.ShutdownReason;
        }

        Assert.Fail("expected the broker to close the channel or connection with an error");
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <see cref="Timeout"/> passes.</summary>
    protected static async Task<bool> EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Timeout;
        var delay = 10;
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(delay);
            delay = Math.Min(delay * 2, 200);
        }
    }

    /// <summary>True when <paramref name="queue"/> exists, judged by a passive declare on a throw-away channel.</summary>
    protected static async Task<bool> QueueExistsAsync(IConnection connection, string queue)
    {
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            await channel.QueueDeclarePassiveAsync(queue);
            return true;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return false;
        }
    }
}
