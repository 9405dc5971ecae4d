using AmqpBroker.Core;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Hosting;
using Microsoft.Extensions.Time.Testing;
using RabbitMQ.Client;

namespace AmqpBroker.FrameworkTests.Support;

/// <summary>
/// The broker a framework fixture talks to: an in-process one on free ports with a clock the tests move, in
/// memory or in a data directory of its own, or the RabbitMQ named by <c>AMQP_URI</c> (then <see cref="Host"/>
/// and <see cref="Clock"/> are null and the tests that need them are skipped), so the same expectations are
/// checked against both.
/// </summary>
internal sealed class TestBroker : IAsyncDisposable
{
    private readonly BrokerOptions? _options;

    private TestBroker(Uri amqpUri, BrokerHost? host, BrokerOptions? options)
    {
        AmqpUri = amqpUri;
        Host = host;
        _options = options;
    }

    public Uri AmqpUri { get; }

    /// <summary>The in-process broker, recording every command (<see cref="BrokerHost.Recorder"/>); null against <c>AMQP_URI</c>.</summary>
    public BrokerHost? Host { get; private set; }

    /// <summary>The in-process broker's clock; null against <c>AMQP_URI</c>.</summary>
    public FakeTimeProvider? Clock => _options?.TimeProvider as FakeTimeProvider;

    /// <summary>Whether the fixtures talk to the broker at <c>AMQP_URI</c>.</summary>
    public static bool IsExternal => ExternalUri is not null;

    private static string? ExternalUri => Environment.GetEnvironmentVariable("AMQP_URI") is { Length: > 0 } uri ? uri : null;

    /// <param name="release">The RabbitMQ release the in-process broker behaves as.</param>
    /// <param name="onDisk">Whether the in-process broker keeps its definitions and messages in a temporary data directory (so it can restart).</param>
    /// <param name="permitted">Deprecated features it permits beyond the release's defaults.</param>
    public static async Task<TestBroker> StartAsync(string release, bool onDisk, DeprecatedFeatures permitted)
    {
        if (ExternalUri is { } external)
        {
            return new TestBroker(new Uri(external), host: null, options: null);
        }

        var options = new BrokerOptions
        {
            TimeProvider = new FakeTimeProvider(DateTimeOffset.UtcNow),
            ManagementPort = BrokerOptions.ManagementDisabled,
            Record = true,
            RabbitMQVersion = release,
            Settings = new BrokerSettings { DeprecatedFeatures = permitted },
            DataDir = onDisk ? Path.Combine(Path.GetTempPath(), $"amqpbroker-framework-{Guid.NewGuid():N}") : null,
        };
        var host = await BrokerHost.StartAsync(options);
        options.Port = host.AmqpUri.Port;
        return new TestBroker(host.AmqpUri, host, options);
    }

    /// <summary>Stops the in-process broker (clients are closed with 320) and starts it again on the same port and data.</summary>
    public async Task RestartAsync()
    {
        await Host!.DisposeAsync();
        Host = await BrokerHost.StartAsync(_options!);
    }

    /// <summary>A plain client connection, for looking at what the framework left on the broker.</summary>
    public Task<IConnection> ConnectAsync() => new ConnectionFactory { Uri = AmqpUri, RequestedHeartbeat = TimeSpan.Zero }.CreateConnectionAsync();

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        if (_options?.DataDir is { } dataDir && Directory.Exists(dataDir))
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
