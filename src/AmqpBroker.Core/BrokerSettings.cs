namespace AmqpBroker.Core;

/// <summary>The broker's protocol limits and policies, with RabbitMQ's defaults.</summary>
public sealed record BrokerSettings
{
    /// <summary>Largest frame the server accepts and proposes in connection.tune (RabbitMQ: 131072).</summary>
    public uint FrameMax { get; init; } = 131_072;

    /// <summary>Highest channel number a client may open (RabbitMQ: 2047).</summary>
    public ushort ChannelMax { get; init; } = 2047;

    /// <summary>Heartbeat interval proposed in connection.tune, in seconds (RabbitMQ: 60).</summary>
    public ushort HeartbeatSeconds { get; init; } = 60;

    /// <summary>RabbitMQ's upper bound for max_message_size; queues rely on bodies staying below it.</summary>
    public const long MaxMessageSizeLimit = 512L * 1024 * 1024;

    private readonly long? _maxMessageSize;

    /// <summary>
    /// Largest message body accepted, at most 512 MiB. Unless set, the profile's default: RabbitMQ's
    /// max_message_size is 128 MiB in 3.x and 16 MiB from 4.0.
    /// </summary>
    public long MaxMessageSize
    {
        get => _maxMessageSize ?? Profile.DefaultMaxMessageSize;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxMessageSizeLimit);
            _maxMessageSize = value;
        }
    }

    /// <summary>Open AMQP connections allowed at once (RabbitMQ's <c>connection_max</c>); 0 is unlimited.</summary>
    public int MaxConnections { get; init; }

    /// <summary>Open channels allowed at once over all connections (RabbitMQ's <c>channel_max_per_node</c>); 0 is unlimited.</summary>
    public int ChannelMaxPerNode { get; init; }

    /// <summary>Queues allowed in the whole broker (RabbitMQ's <c>cluster_queue_limit</c>); 0 is unlimited.</summary>
    public int ClusterQueueLimit { get; init; }

    /// <summary>Exchanges allowed in the whole broker, the predeclared ones included (RabbitMQ's <c>cluster_exchange_limit</c>); 0 is unlimited.</summary>
    public int ClusterExchangeLimit { get; init; }

    /// <summary>
    /// Queues one AMQP connection may have created and not yet deleted (ours; RabbitMQ has no such limit), so
    /// that one client cannot fill the broker without the operator's say; 0 is unlimited.
    /// </summary>
    public int MaxQueuesPerConnection { get; init; } = 100_000;

    /// <summary>Exchanges one AMQP connection may have created and not yet deleted (ours, as <see cref="MaxQueuesPerConnection"/>); 0 is unlimited.</summary>
    public int MaxExchangesPerConnection { get; init; } = 100_000;

    /// <summary>
    /// The cluster name set at every start (RabbitMQ's <c>cluster_name</c>), replacing one set through the management API
    /// before; null keeps the stored one, or the node's name when none is stored.
    /// </summary>
    public string? ClusterName { get; init; }

    /// <summary>
    /// How long a delivery may stay unacknowledged before its channel is closed with 406 (RabbitMQ's
    /// <c>consumer_timeout</c>, in milliseconds, 30 minutes by default); 0 turns the timeout off.
    /// </summary>
    public long ConsumerTimeout { get; init; } = 1_800_000;

    /// <summary>Time from the protocol header to connection.open-ok before the socket is closed (RabbitMQ's <c>handshake_timeout</c>).</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a connection whose handshake failed (a refused login, a malformed handshake) is held before
    /// its socket is closed: RabbitMQ's 3 seconds (SILENT_CLOSE_DELAY), a small brake on guessing.
    /// </summary>
    public TimeSpan FailedHandshakeCloseDelay { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Ours: once one address has failed to log in <see cref="Security.LoginBrake.FreeFailures"/> times within a
    /// minute, each further refusal to it is answered only after this delay. Zero turns the brake off.
    /// </summary>
    public TimeSpan FailedLoginDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How new passwords are hashed (RabbitMQ's <c>password_hashing_module</c>); hashes of either kind verify.</summary>
    public string PasswordHashingModule { get; init; } = Security.PasswordHasher.Sha256;

    /// <summary>Users that may connect only from loopback (RabbitMQ: guest).</summary>
    public IReadOnlyList<string> LoopbackUsers { get; init; } = ["guest"];

    public string DefaultUser { get; init; } = "guest";

    public string DefaultPassword { get; init; } = "guest";

    public string DefaultVirtualHost { get; init; } = "/";

    /// <summary>The RabbitMQ release whose behaviour the broker shows (<see cref="Profiles.VersionProfile"/>).</summary>
    public Profiles.VersionProfile Profile { get; init; } = Profiles.VersionProfile.Default;

    /// <summary>
    /// What connection.start's <c>product</c> and the management API's <c>product_name</c> report: AmqpBroker,
    /// or RabbitMQ for clients that switch features on that name.
    /// </summary>
    public string Product { get; init; } = Profiles.ProductNames.AmqpBroker;

    /// <summary>
    /// Refuses (406) the arguments of a declare or consume that the chosen release would not act on: names no
    /// RabbitMQ release knows (a typo such as <c>x-message-tll</c>) and those the release ignores.
    /// </summary>
    public bool Strict { get; init; }

    /// <summary>
    /// RabbitMQ's node-wide <c>default_queue_type</c> (4.0+, rabbit.schema at v4.0.1): the type a queue declared
    /// without <c>x-queue-type</c> gets in a virtual host without a default of its own, where the type allows the
    /// queue's flags (classic otherwise). Releases before 4.0 have no such setting and use classic.
    /// </summary>
    public string DefaultQueueType { get; init; } = "classic";

    /// <summary>
    /// RabbitMQ's <c>track_auth_attempt_source</c>: also count login attempts per remote address and user name
    /// (<c>rabbitmq_auth_attempts_detailed_*</c>, /api/auth/attempts/{node}/source). Off by default, as there.
    /// </summary>
    public bool TrackAuthAttemptSource { get; init; }

    /// <summary>Overrides of the profile's default for RabbitMQ's deprecated features (<c>deprecated_features.permit.*</c>).</summary>
    public Profiles.DeprecatedFeatures DeprecatedFeatures { get; init; } = new();
}
