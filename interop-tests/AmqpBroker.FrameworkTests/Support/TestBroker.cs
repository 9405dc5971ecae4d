using AmqpBroker.Hosting;
using Microsoft.Extensions.Time.Testing;
using RabbitMQ.Client;

namespace AmqpBroker.FrameworkTests.Support;

/// <summary>
/// The broker a framework fixture talks to: an in-process one, in memory on free ports with a clock the tests
/// move, or the RabbitMQ named by <c>AMQP_URI</c> (then <see cref="Clock"/> is null and the tests that move it
/// are skipped), so the same expectations are checked against both.
/// </summary>
internal sealed class TestBroker : IAsyncDisposable
{
    private TestBroker(Uri amqpUri, BrokerHost? host, FakeTimeProvider? clock)
    {
        AmqpUri = amqpUri;
        Host = host;
        Clock = clock;
    }

    public Uri AmqpUri { get; }

    /// <summary>The in-process broker, recording every command (<see cref="BrokerHost.Recorder"/>); null against <c>AMQP_URI</c>.</summary>
    public BrokerHost? Host { get; }

    /// <summary>The in-process broker's clock; null against <c>AMQP_URI</c>.</summary>
    public FakeTimeProvider? Clock { get; }

    public static bool IsExternal => ExternalUri is not null;

    private static string? ExternalUri => Environment.GetEnvironmentVariable("AMQP_URI") is { Length: > 0 } uri ? uri : null;

    public static async Task<TestBroker> StartAsync()
    {
        if (ExternalUri is { } external)
        {
            return new TestBroker(new Uri(external), host: null, clock: null);
        }

        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var host = await BrokerHost.StartAsync(new BrokerOptions { TimeProvider = clock, ManagementPort = BrokerOptions.ManagementDisabled, Record = true });
        return new TestBroker(host.AmqpUri, host, clock);
    }

    /// <summary>A plain client connection, for looking at what the framework left on the broker.</summary>
    public Task<IConnection> ConnectAsync() => new ConnectionFactory { Uri = AmqpUri, RequestedHeartbeat = TimeSpan.Zero }.CreateConnectionAsync();

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }
}
