using AmqpBroker.Core;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Hosting;

namespace AmqpBroker.InteropTests.Support;

/// <summary>
/// Base of every interop fixture: one in-process broker per fixture (port 0, in-memory storage), or the
/// broker named by the <c>AMQP_URI</c> environment variable so the same expectations can be checked
/// against a real RabbitMQ. Connections opened through <see cref="ConnectAsync"/> and queues/exchanges
/// registered with <see cref="Track"/> are cleaned up after each test. The helpers every fixture shares
/// are in BrokerTestBase.Messaging.cs (declare, publish, get, consume) and BrokerTestBase.Expectations.cs
/// (the broker's error replies, polling). Each fixture runs once per release of <see cref="EveryProfileAttribute"/>
/// unless it names its own with <see cref="ReleasesAttribute"/>.
/// </summary>
[EveryProfile]
public abstract partial class BrokerTestBase
{
    /// <summary>Upper bound for anything that is expected to happen.</summary>
    protected internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>How long we watch for something that must not happen.</summary>
    protected static readonly TimeSpan QuietPeriod = TimeSpan.FromMilliseconds(400);

    /// <summary>Publisher confirms with the client's tracking: a publish completes when the broker confirmed it.</summary>
    protected static readonly CreateChannelOptions ConfirmOptions = new(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);

    private readonly List<IConnection> _connections = [];
    private readonly List<(bool IsQueue, string Name)> _entities = [];
    private string? _matrixRelease;
    private string? _dataDirectory;

    /// <summary>The in-process broker, or null when the suite runs against <c>AMQP_URI</c>.</summary>
    protected BrokerHost? Host { get; private set; }

    protected Uri AmqpUri { get; private set; } = null!;

    protected static string? ExternalUri => Environment.GetEnvironmentVariable("AMQP_URI") is { Length: > 0 } uri ? uri : null;

    protected static bool IsExternal => ExternalUri is not null;

    /// <summary>
    /// The RabbitMQ release of the broker at <c>AMQP_URI</c>: <c>AMQP_RABBITMQ_VERSION</c>, else 3.10, the release
    /// installed on this machine.
    /// </summary>
    protected static string ExternalRelease =>
        Environment.GetEnvironmentVariable("AMQP_RABBITMQ_VERSION") is { Length: > 0 } version ? version : "3.10";

    /// <summary>
    /// The RabbitMQ release whose behaviour the in-process broker shows: the one <see cref="EveryProfileAttribute"/> or
    /// <see cref="ReleasesAttribute"/> built this fixture instance for, else 3.10 (the release of the RabbitMQ the
    /// expectations are checked against); a fixture with its own fixture arguments may override it.
    /// </summary>
    protected virtual string RabbitMQVersion => _matrixRelease ?? "3.10";

    /// <summary>The profile of <see cref="RabbitMQVersion"/>: what the fixture's expectations switch on.</summary>
    protected VersionProfile Profile => VersionProfile.For(RabbitMqRelease.Parse(RabbitMQVersion));

    /// <summary>Options for this fixture's in-process broker (admin API on an ephemeral port); override to change settings.</summary>
    protected virtual BrokerOptions CreateOptions() => new()
    {
        Port = 0,
        ManagementPort = 0,
        Bind = "127.0.0.1",
        InMemory = true,
        RabbitMQVersion = RabbitMQVersion,
        Settings = new BrokerSettings { DeprecatedFeatures = PermitDeprecatedFeatures },
    };

    /// <summary>
    /// The suite's fixtures declare transient queues and use global QoS as most applications do; under 4.3, which denies
    /// both by default, they run as an application that permits them would (<c>deprecated_features.permit.* = true</c>).
    /// The denial itself is checked by Profiles/DeprecatedFeatureTests.
    /// </summary>
    private static DeprecatedFeatures PermitDeprecatedFeatures { get; } = new() { PermitTransientNonExclusiveQueues = true, PermitGlobalQos = true };

    [OneTimeSetUp]
    public async Task StartBrokerAsync()
    {
        _matrixRelease = ReleasesAttribute.ReleaseOf(TestContext.CurrentContext.Test);
        if (ExternalUri is { } uri)
        {
            if (!RabbitMqRelease.Parse(RabbitMQVersion).Equals(RabbitMqRelease.Parse(ExternalRelease)))
            {
                Assert.Ignore($"the broker at AMQP_URI is RabbitMQ {ExternalRelease}; this fixture expects {RabbitMQVersion}");
            }

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

        if (_dataDirectory is not null)
        {
            Directory.Delete(_dataDirectory, recursive: true);
            _dataDirectory = null;
        }
    }

    /// <summary>
    /// <paramref name="options"/> with the broker's data on disk, in a directory of this fixture's own that is deleted
    /// once the broker has stopped.
    /// </summary>
    protected BrokerOptions OnDisk(BrokerOptions options)
    {
        _dataDirectory ??= Directory.CreateTempSubdirectory("interop-broker-").FullName;
        options.InMemory = false;
        options.DataDir = _dataDirectory;
        return options;
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

    /// <summary>A new connection and one channel on it, for tests that also watch or use the connection.</summary>
    protected async Task<(IConnection Connection, IChannel Channel)> ConnectWithChannelAsync()
    {
        var connection = await ConnectAsync();
        return (connection, await connection.CreateChannelAsync());
    }

    /// <summary>A new connection with one channel on it.</summary>
    protected async Task<IChannel> OpenChannelAsync(CreateChannelOptions? options = null)
    {
        var connection = await ConnectAsync();
        return await connection.CreateChannelAsync(options);
    }

    /// <summary>A new connection with one channel on it, and a fresh queue with these arguments (see <see cref="DeclareQueueAsync(IChannel, string)"/>).</summary>
    protected async Task<(IChannel Channel, string Queue)> OpenChannelWithQueueAsync(CreateChannelOptions? options = null, IDictionary<string, object?>? arguments = null)
    {
        var channel = await OpenChannelAsync(options);
        return (channel, await DeclareQueueAsync(channel, arguments));
    }

    /// <summary>A new connection with one channel in confirm mode (<see cref="ConfirmOptions"/>) on it.</summary>
    protected Task<IChannel> OpenConfirmChannelAsync() => OpenChannelAsync(ConfirmOptions);
}
