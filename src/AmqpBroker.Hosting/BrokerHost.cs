using System.Diagnostics;
using System.Net;
using AmqpBroker.Core;
using AmqpBroker.Core.Profiles;
using AmqpBroker.Core.Alarms;
using AmqpBroker.Core.Storage;
using AmqpBroker.Management;
using AmqpBroker.Storage.Definitions;
using AmqpBroker.Storage.Messages;
using AmqpBroker.Server.Connections;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Hosting;

/// <summary>
/// A running broker: the composition root that wires Core, Storage, Server and Management onto one Kestrel host. The
/// executable, our interop tests and users' own test suites all start brokers through this type.
/// <code>
/// await using var broker = await BrokerHost.StartAsync(new BrokerOptions { Port = 0, InMemory = true });
/// var factory = new ConnectionFactory { Uri = broker.AmqpUri };
/// </code>
/// </summary>
public sealed class BrokerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Listeners _listeners;
    private readonly ILoggerFactory _loggers;
    private readonly TlsCertificates? _certificates;

    private BrokerHost(WebApplication app, Listeners listeners, ILoggerFactory loggers, Broker broker, BrokerOptions options, TlsCertificates? certificates)
    {
        _app = app;
        _certificates = certificates;
        _listeners = listeners;
        _loggers = loggers;
        Broker = broker;
        Options = options;
    }

    public BrokerOptions Options { get; }

    /// <summary>The broker model, for embedding code and tests that inspect or drive it directly.</summary>
    public Broker Broker { get; }

    /// <summary>The bound AMQP endpoint (the real port when <see cref="BrokerOptions.Port"/> was 0).</summary>
    public IPEndPoint AmqpEndPoint => _listeners.Amqp!.IPEndPoint!;

    /// <summary>The bound AMQPS endpoint, or null without TLS.</summary>
    public IPEndPoint? AmqpsEndPoint => _listeners.Amqps?.IPEndPoint;

    /// <summary>The bound HTTPS admin API endpoint, or null when there is none.</summary>
    public IPEndPoint? ManagementTlsEndPoint => _listeners.ManagementTls?.IPEndPoint;

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

        var loggers = CreateLoggers(configureLogging);
        var broker = CreateBroker(options, loggers);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton(loggers);
        builder.Services.AddSingleton(broker);
        builder.Services.AddSingleton<AmqpConnectionHandler>();
        var listeners = new Listeners { Tls = options.Tls };
        var certificates = options.Tls.Enabled ? TlsCertificates.Open(options.Tls, loggers.CreateLogger("AmqpBroker.Hosting.Tls")) : null;
        var managementEnabled = options.ManagementPort != BrokerOptions.ManagementDisabled;
        if (managementEnabled)
        {
            builder.Services.AddManagementApi(listeners.Bound, options.InMemory ? null : options.DataDir);
        }

        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Parse(options.Bind), options.Port, listener =>
            {
                listener.Use(next => connection => ServeWithinSocketLimitAsync(broker.Resources.Descriptors, next, connection));
                listener.UseConnectionHandler<AmqpConnectionHandler>();
                listeners.Amqp = listener;
            });
            if (certificates is not null)
            {
                ListenWithTls(kestrel, options, broker, loggers, certificates, listeners, managementEnabled);
            }

            if (managementEnabled)
            {
                kestrel.Listen(IPAddress.Parse(options.Bind), options.ManagementPort, listener =>
                {
                    listener.Protocols = HttpProtocols.Http1;
                    listeners.Management = listener;
                });
            }
        });

        var app = builder.Build();
        if (managementEnabled)
        {
            app.UseManagementApi();
        }

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            certificates?.Dispose();
            broker.Dispose();
            loggers.Dispose();
            throw;
        }

        return new BrokerHost(app, listeners, loggers, broker, options, certificates);
    }

    /// <summary>The AMQPS listener and, when asked for, the HTTPS admin API, both with the certificate of <paramref name="certificates"/>.</summary>
    private static void ListenWithTls(KestrelServerOptions kestrel, BrokerOptions options, Broker broker, ILoggerFactory loggers, TlsCertificates certificates, Listeners listeners, bool managementEnabled)
    {
        var tls = options.Tls;
        var handler = new AmqpConnectionHandler(broker, loggers, TlsListeners.Login(tls));
        kestrel.Listen(IPAddress.Parse(options.Bind), tls.Port, listener =>
        {
            listener.Use(next => connection => ServeWithinSocketLimitAsync(broker.Resources.Descriptors, next, connection));
            listener.UseHttps(TlsListeners.HttpsOptions(tls, certificates));
            listener.Run(handler.OnConnectedAsync);
            listeners.Amqps = listener;
        });
        if (managementEnabled && tls.ManagementPort != TlsOptions.Disabled)
        {
            kestrel.Listen(IPAddress.Parse(options.Bind), tls.ManagementPort, listener =>
            {
                listener.Protocols = HttpProtocols.Http1;
                listener.UseHttps(TlsListeners.HttpsOptions(tls, certificates));
                listeners.ManagementTls = listener;
            });
        }
    }

    /// <summary>The broker with its stores, recovered from the data directory unless in memory, and its descriptor budget.</summary>
    private static Broker CreateBroker(BrokerOptions options, ILoggerFactory loggers)
    {
        var alarms = new ResourceAlarms(loggers.CreateLogger(ResourceAlarms.LogCategory));
        var descriptors = new FileDescriptors(
            DescriptorLimit.Read() ?? FileDescriptors.UnknownLimit, FileDescriptors.CountOpen(), alarms, options.MaxOpenFiles > 0 ? options.MaxOpenFiles : null);
        var profile = VersionProfile.For(RabbitMqRelease.Parse(options.RabbitMQVersion));
        var resources = new NodeResources(alarms, descriptors, ResourceLimits.Memory(options, profile, alarms), ResourceLimits.Disk(options, alarms));

        // In memory nothing touches the disk; otherwise durable definitions and persistent messages come back from the data directory.
        IDefinitionStore? store = options.InMemory ? null : SqliteDefinitionStore.Open(options.DataDir);
        var messages = options.InMemory ? null : new SegmentMessageStore(options.DataDir, new SegmentStoreOptions
        {
            InMemoryLimit = options.QueueMemoryLimit,
            Resources = resources,
            LoggerFactory = loggers,
        });
        var started = Stopwatch.GetTimestamp();
        var settings = options.Settings with { Profile = profile };
        var broker = new Broker(settings, options.TimeProvider, store, messages, loggers, resources);
        messages?.ReportRecovery(Stopwatch.GetElapsedTime(started));
        if (messages?.RecoveredMessages > LargeRecovery)
        {
            // Recovery leaves the replayed log index behind as garbage (hundreds of MiB for millions of
            // messages); one full, aggressive collection gives that memory back before anyone connects.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }

        return broker;
    }

    /// <summary>
    /// An AMQP connection takes a socket's share of the descriptor budget; past the limit it is closed at once
    /// (and the file_descriptor_limit alarm raised) rather than served with descriptors queues need.
    /// </summary>
    private static async Task ServeWithinSocketLimitAsync(FileDescriptors descriptors, ConnectionDelegate next, ConnectionContext connection)
    {
        if (!descriptors.TryObtainSocket())
        {
            connection.Abort(new ConnectionAbortedException("the file descriptor limit is reached"));
            return;
        }

        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            descriptors.ReleaseSocket();
        }
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
    /// Stops the broker as RabbitMQ does: every client gets connection.close with 320 CONNECTION_FORCED,
    /// then the listeners stop.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        foreach (var connection in Broker.Connections)
        {
            connection.ForceClose("broker forced connection closure with reason 'shutdown'");
        }

        var deadline = DateTime.UtcNow + CloseGracePeriod;
        while (Broker.ConnectionCount > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }

        // Connections still open (mid-handshake, or clients that never answer) are aborted after the grace period.
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        grace.CancelAfter(CloseGracePeriod);
        await _app.StopAsync(grace.Token).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _certificates?.Dispose();
        Broker.Dispose();
        _loggers.Dispose();
    }

    /// <summary>The listeners Kestrel bound; their endpoints carry the real ports once the host has started.</summary>
    private sealed class Listeners
    {
        public ListenOptions? Amqp { get; set; }

        public ListenOptions? Management { get; set; }

        public ListenOptions? Amqps { get; set; }

        public ListenOptions? ManagementTls { get; set; }

        public TlsOptions Tls { get; init; } = new();

        public List<ManagementListener> Bound()
        {
            List<ManagementListener> bound = [];
            if (Amqp?.IPEndPoint is { } amqp)
            {
                bound.Add(new ManagementListener("amqp", amqp));
            }

            if (Management?.IPEndPoint is { } management)
            {
                bound.Add(new ManagementListener("http", management));
            }

            if (Amqps?.IPEndPoint is { } amqps)
            {
                bound.Add(new ManagementListener("amqp/ssl", amqps, Tls.CertFile, Tls.CaCertFile));
            }

            if (ManagementTls?.IPEndPoint is { } https)
            {
                bound.Add(new ManagementListener("https", https, Tls.CertFile, Tls.CaCertFile));
            }

            return bound;
        }
    }
}
