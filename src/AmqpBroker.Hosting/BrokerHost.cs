using System.Diagnostics;
using System.Net;
using AmqpBroker.Core;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Alarms;
using AmqpBroker.Core.Storage;
using AmqpBroker.Storage.Definitions;
using AmqpBroker.Storage.Messages;
using AmqpBroker.Shovel;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Hosting;

/// <summary>
/// A running broker: the composition root that wires Core, Storage, Server, Management and Shovel onto one Kestrel host. The
/// executable, our interop tests and users' own test suites all start brokers through this type.
/// <code>
/// await using var broker = await BrokerHost.StartAsync(new BrokerOptions());   // free ports, loopback, in memory
/// var factory = new ConnectionFactory { Uri = broker.AmqpUri };
/// </code>
/// </summary>
public sealed partial class BrokerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly BrokerListeners _listeners;
    private readonly ILoggerFactory _loggers;
    private readonly OpenSockets _sockets;
    private readonly ShovelComponent _shovels;
    private readonly TlsCertificates? _certificates;

    private BrokerHost(WebApplication app, BrokerListeners listeners, OpenSockets sockets, ILoggerFactory loggers, Broker broker, BrokerOptions options, ShovelComponent shovels, TlsCertificates? certificates)
    {
        _app = app;
        _certificates = certificates;
        _listeners = listeners;
        _sockets = sockets;
        _loggers = loggers;
        _shovels = shovels;
        Broker = broker;
        Options = options;
        _resetPoint = StartingPoint(options, broker);
    }

    public BrokerOptions Options { get; }

    /// <summary>The broker model, for embedding code and tests that inspect or drive it directly.</summary>
    public Broker Broker { get; }

    /// <summary>The bound AMQP endpoint (the real port when <see cref="BrokerOptions.Port"/> was 0).</summary>
    public IPEndPoint AmqpEndPoint => _listeners.Amqp!.IPEndPoint!;

    /// <summary>
    /// The bound admin API endpoint (the real port when <see cref="BrokerOptions.ManagementPort"/> was 0), or
    /// null when the admin API is disabled.
    /// </summary>
    public IPEndPoint? ManagementEndPoint => _listeners.Management?.IPEndPoint;

    /// <summary>An <c>http://</c> URI of the admin API reachable from this machine, or null when it is disabled.</summary>
    public Uri? ManagementUri => ManagementEndPoint is { } endPoint ? new Uri($"http://{Reachable(endPoint)}/") : null;

    /// <summary>An <c>amqp://</c> URI for the default user, reachable from this machine.</summary>
    public Uri AmqpUri
    {
        get
        {
            var settings = Broker.Settings;
            return new Uri($"amqp://{Uri.EscapeDataString(settings.DefaultUser)}:{Uri.EscapeDataString(settings.DefaultPassword)}@{Reachable(AmqpEndPoint)}/");
        }
    }

    /// <summary>A listener bound to every interface is reached through loopback.</summary>
    private static IPEndPoint Reachable(IPEndPoint endPoint) =>
        endPoint.Address.Equals(IPAddress.Any) ? new IPEndPoint(IPAddress.Loopback, endPoint.Port)
        : endPoint.Address.Equals(IPAddress.IPv6Any) ? new IPEndPoint(IPAddress.IPv6Loopback, endPoint.Port)
        : endPoint;

    /// <summary>Recovered messages above which start-up collects the garbage recovery left (a test suite's small restarts pay nothing).</summary>
    private const long LargeRecovery = 100_000;

    public static async Task<BrokerHost> StartAsync(BrokerOptions options, Action<ILoggingBuilder>? configureLogging = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);

        var dataDirectory = DataDirectory(options);
        var loggers = options.LoggerFactory ?? CreateLoggers(configureLogging);
        var broker = CreateBroker(options, dataDirectory, loggers);
        var listeners = new BrokerListeners { Tls = options.Tls };
        var shovels = CreateShovels(broker, listeners, loggers);
        var sockets = new OpenSockets();
        var certificates = options.Tls.Enabled ? TlsCertificates.Open(options.Tls, loggers.CreateLogger("AmqpBroker.Hosting.Tls")) : null;
        var app = new BrokerWebApplication(options, broker, loggers, listeners, sockets, certificates).Build(dataDirectory, shovels);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            certificates?.Dispose();
            broker.Dispose();
            DisposeOwnLoggers(options, loggers);
            throw;
        }

        // Shovels (recovered ones too) start once the listener that local shovel URIs connect to is bound.
        broker.Parameters.Register(shovels);
        return new BrokerHost(app, listeners, sockets, loggers, broker, options, shovels, certificates);
    }

    /// <summary>
    /// The shovel component. A shovel URI without a host (<c>amqp://</c>) connects to this broker's own AMQP
    /// listener as the default user: uniform with remote ends, and the same publish rules as any client.
    /// </summary>
    private static ShovelComponent CreateShovels(Broker broker, BrokerListeners listeners, ILoggerFactory loggers)
    {
        var settings = broker.Settings;
        return new ShovelComponent(
            broker,
            () =>
            {
                var endPoint = Reachable(listeners.Amqp!.IPEndPoint!);
                return new LocalBroker(endPoint.Address.ToString(), endPoint.Port, settings.DefaultUser, settings.DefaultPassword);
            },
            $"amqpbroker@{Environment.MachineName}",
            loggers);
    }

    /// <summary>Where the broker keeps its state, or null in memory.</summary>
    private static string? DataDirectory(BrokerOptions options) =>
        options.InMemory ? null
        : options.DataDir ?? throw new ArgumentException($"{nameof(BrokerOptions.InMemory)} is false but no {nameof(BrokerOptions.DataDir)} is set", nameof(options));

    /// <summary>The broker with its stores, recovered from <paramref name="dataDirectory"/> unless in memory (null), and its descriptor budget.</summary>
    private static Broker CreateBroker(BrokerOptions options, string? dataDirectory, ILoggerFactory loggers)
    {
        var alarms = new ResourceAlarms(loggers.CreateLogger(ResourceAlarms.LogCategory));
        var descriptors = new FileDescriptors(
            DescriptorLimit.Read() ?? FileDescriptors.UnknownLimit, FileDescriptors.CountOpen(), alarms, options.MaxOpenFiles > 0 ? options.MaxOpenFiles : null);
        var profile = VersionProfile.For(RabbitMqRelease.Parse(options.RabbitMQVersion));
        var resources = new NodeResources(alarms, descriptors, ResourceLimits.Memory(options, profile, alarms), ResourceLimits.Disk(options, dataDirectory, alarms));

        // In memory nothing touches the disk; otherwise durable definitions and persistent messages come back from the data directory.
        IDefinitionStore? store = dataDirectory is null ? null : SqliteDefinitionStore.Open(dataDirectory);
        var messages = dataDirectory is null ? null : new SegmentMessageStore(dataDirectory, new SegmentStoreOptions
        {
            InMemoryLimit = options.QueueMemoryLimit,
            Resources = resources,
            LoggerFactory = loggers,
        });
        var started = Stopwatch.GetTimestamp();
        var settings = options.Settings with { Profile = profile };
        var broker = new Broker(settings, options.TimeProvider, store, messages, loggers, resources);
        if (options.Record)
        {
            broker.Recorder.Start();
        }

        messages?.ReportRecovery(Stopwatch.GetElapsedTime(started));
        if (messages?.RecoveredMessages > LargeRecovery)
        {
            // Recovery leaves the replayed log index behind as garbage (hundreds of MiB for millions of
            // messages); one full, aggressive collection gives that memory back before anyone connects.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }

        return broker;
    }

    /// <summary>One logging pipeline for the broker model and the host: the broker logs while it recovers, before the host is built.</summary>
    private static ILoggerFactory CreateLoggers(Action<ILoggingBuilder>? configureLogging) => LoggerFactory.Create(logging =>
    {
        logging.SetMinimumLevel(LogLevel.Information);
        configureLogging?.Invoke(logging);
    });

    /// <summary>How long clients get to answer connection.close before the listener stops regardless.</summary>
    private static readonly TimeSpan CloseGracePeriod = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Stops the broker as RabbitMQ does: shovels stop, every client gets connection.close with 320
    /// CONNECTION_FORCED, and the listeners stop as soon as the last socket has closed.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        // Shovels first: they close their own connections, giving back what they had not acknowledged.
        await _shovels.DisposeAsync().ConfigureAwait(false);
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(CloseGracePeriod);

        // Sockets still open after the grace period (clients that never answer) are aborted by the listener's stop.
        await CloseAllConnectionsAsync("shutdown", grace.Token).ConfigureAwait(false);
        await _app.StopAsync(grace.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// Closes every AMQP connection with 320 CONNECTION_FORCED (RabbitMQ's text, naming <paramref name="reason"/>)
    /// and waits for every socket to close. A client still in its handshake (RabbitMQ.Client returns from
    /// connecting before the broker has handled connection.open) is closed as soon as it has opened, which is
    /// the one wait that polls. False when <paramref name="cancellationToken"/> ends the wait first.
    /// </summary>
    private async Task<bool> CloseAllConnectionsAsync(string reason, CancellationToken cancellationToken)
    {
        var text = $"broker forced connection closure with reason '{reason}'";
        var closing = new HashSet<ClientConnection>(ReferenceEqualityComparer.Instance);
        try
        {
            while (true)
            {
                var nextClose = _sockets.NextCloseAsync();
                foreach (var connection in Broker.Connections.Where(closing.Add))
                {
                    connection.ForceClose(text);
                }

                if (_sockets.Count == 0)
                {
                    return true;
                }

                await Task.WhenAny(nextClose, Task.Delay(HandshakePollInterval, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>How often a close waiting for sockets looks for clients that finished their handshake meanwhile.</summary>
    private static readonly TimeSpan HandshakePollInterval = TimeSpan.FromMilliseconds(2);

    /// <summary>Waits until <paramref name="closed"/> holds, checked whenever a socket closes; false when <paramref name="cancellationToken"/> ends the wait first.</summary>
    private async Task<bool> WaitForSocketsAsync(Func<bool> closed, CancellationToken cancellationToken)
    {
        try
        {
            await _sockets.WaitUntilAsync(closed, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _certificates?.Dispose();
        Broker.Dispose();
        DisposeOwnLoggers(Options, _loggers);
    }

    /// <summary>A logger factory the caller passed in <see cref="BrokerOptions.LoggerFactory"/> stays the caller's.</summary>
    private static void DisposeOwnLoggers(BrokerOptions options, ILoggerFactory loggers)
    {
        if (options.LoggerFactory is null)
        {
            loggers.Dispose();
        }
    }
}
