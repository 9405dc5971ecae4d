using AmqpBroker.Core;
using AmqpBroker.Storage.Messages;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Hosting;

/// <summary>
/// How a broker is started: where it listens, where it keeps data, and its protocol limits. The defaults suit
/// a test: a free port on loopback, the admin API and the Prometheus metrics on other free ports, everything in memory.
/// (The <c>amqp-broker</c> executable has RabbitMQ's defaults instead: 5672, 15672, 15692, every interface, <c>./data</c>.)
/// </summary>
public sealed class BrokerOptions
{
    private bool? _inMemory;

    /// <summary>AMQP port; 0 (the default) picks a free ephemeral port (read it back from <see cref="BrokerHost.AmqpEndPoint"/>).</summary>
    public int Port { get; set; }

    /// <summary>The <see cref="ManagementPort"/> value that turns the admin API off.</summary>
    public const int ManagementDisabled = -1;

    /// <summary>
    /// Port of the HTTP admin API (RabbitMQ's management paths and the web page); 0 (the
    /// default) picks a free port (read it back from <see cref="BrokerHost.ManagementEndPoint"/>), -1
    /// (<see cref="ManagementDisabled"/>) serves no admin API at all.
    /// </summary>
    public int ManagementPort { get; set; }

    /// <summary>The <see cref="PrometheusPort"/> value that serves no Prometheus metrics.</summary>
    public const int PrometheusDisabled = -1;

    /// <summary>
    /// Port of the Prometheus metrics (<c>/metrics</c>, <c>/metrics/per-object</c>, <c>/metrics/detailed</c>), a
    /// listener of its own as rabbitmq_prometheus's 15692; 0 (the default) picks a free port (read it back from
    /// <see cref="BrokerHost.PrometheusEndPoint"/>), -1 (<see cref="PrometheusDisabled"/>) serves none.
    /// </summary>
    public int PrometheusPort { get; set; }

    /// <summary>Address the listeners bind to: loopback by default (RabbitMQ's executable binds every interface, <c>0.0.0.0</c>).</summary>
    public string Bind { get; set; } = "127.0.0.1";

    /// <summary>Where durable state is kept; none by default, and setting it makes the broker keep its state there.</summary>
    public string? DataDir { get; set; }

    /// <summary>
    /// Keep everything in memory and touch no files: what a test suite wants, and the default while no
    /// <see cref="DataDir"/> is set. False needs a <see cref="DataDir"/>.
    /// </summary>
    public bool InMemory
    {
        get => _inMemory ?? DataDir is null;
        set => _inMemory = value;
    }

    /// <summary>
    /// Ready messages a durable queue keeps in memory; persistent messages beyond that stay only in the
    /// queue's log, indexed, and are read back as consumers need them.
    /// </summary>
    public int QueueMemoryLimit
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    } = SegmentMessageStore.DefaultInMemoryLimit;

    /// <summary>
    /// Segment files of durable queues kept open at most; 0 (the default) shares what the descriptor limit
    /// (RLIMIT_NOFILE) leaves after a reserve and the AMQP sockets.
    /// </summary>
    public int MaxOpenFiles
    {
        get;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            field = value;
        }
    }

    /// <summary>
    /// RabbitMQ's <c>vm_memory_high_watermark</c>: a fraction of the memory available to the process (<c>0.4</c>) or
    /// a size (<c>512MiB</c>, <c>2GB</c>). Above it publishers are blocked. Null: the chosen release's default
    /// (0.4 before 4.0, 0.6 from 4.0).
    /// </summary>
    public string? MemoryHighWatermark { get; set; }

    /// <summary>
    /// RabbitMQ's <c>disk_free_limit</c>: with less free space than this where the data directory is, publishers
    /// are blocked (RabbitMQ's default 50MB). Not checked in memory.
    /// </summary>
    public string DiskFreeLimit { get; set; } = "50MB";

    /// <summary>
    /// The RabbitMQ release whose behaviour the broker shows: 3.10, 3.13, 4.0, 4.1, 4.2 (the default) or 4.3
    /// (RabbitMQ's setting <c>Broker:RabbitMQVersion</c>, switch <c>--rabbitmq-version</c>).
    /// </summary>
    public string RabbitMQVersion { get; set; } = Core.Profiles.RabbitMqRelease.Default.ToString();

    /// <summary>TLS: the AMQPS listener, HTTPS for the admin API, client certificates and SASL EXTERNAL (<c>Broker:Tls</c>).</summary>
    public TlsOptions Tls { get; set; } = new();

    /// <summary>Protocol limits (frame_max, channel_max, heartbeat, message size) and the default user.</summary>
    public BrokerSettings Settings { get; set; } = new();

    /// <summary>
    /// The broker's clock: message TTL, x-expires, delayed messages, heartbeats, timestamps and statistics all
    /// read it. Tests pass a <c>FakeTimeProvider</c> and move it: what falls due runs inside <c>Advance</c>, so
    /// an expired message is dead-lettered, and a delayed one released, by the time <c>Advance</c> returns.
    /// Heartbeats read it too, so clients of a test that moves it past two heartbeat intervals should connect
    /// without heartbeats (RabbitMQ.Client: <c>RequestedHeartbeat = TimeSpan.Zero</c>).
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Where the broker logs: a test passes its own factory (one that writes to the test framework's output)
    /// to see the broker's log beside the test's, per test. The host does not dispose it. When null the host
    /// makes its own, configured by <c>StartAsync</c>'s <c>configureLogging</c>.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// Serves /api/faults on the admin API, so that administrators can inject the faults of
    /// <see cref="BrokerHost.Faults"/> over HTTP (a test broker only; off by default, the paths are 404 then).
    /// </summary>
    public bool EnableFaultApi { get; set; }

    /// <summary>Starts <see cref="BrokerHost.Recorder"/> with the broker, so the record holds every connection from its first frame.</summary>
    public bool Record { get; set; }
}
