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

    /// <summary>Largest message body accepted (RabbitMQ: 128 MiB by default, at most 512 MiB).</summary>
    public long MaxMessageSize
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxMessageSizeLimit);
            field = value;
        }
    } = 128L * 1024 * 1024;

    /// <summary>Open AMQP connections allowed at once; 0 is unlimited.</summary>
    public int MaxConnections { get; init; }

    /// <summary>Users that may connect only from loopback (RabbitMQ: guest).</summary>
    public IReadOnlyList<string> LoopbackUsers { get; init; } = ["guest"];

    public string DefaultUser { get; init; } = "guest";

    public string DefaultPassword { get; init; } = "guest";

    public string DefaultVirtualHost { get; init; } = "/";

    /// <summary>The RabbitMQ release whose behaviour the broker shows (<see cref="Profiles.VersionProfile"/>).</summary>
    public Profiles.VersionProfile Profile { get; init; } = Profiles.VersionProfile.Default;
}
