namespace AmqpBroker.Core.Testing.Faults;

/// <summary>
/// What a fault applies to; every part left null matches anything. A connection is named either by its
/// addresses as the broker lists it (<c>127.0.0.1:50312 -&gt; 127.0.0.1:5672</c>) or by the name its client gave
/// it (the <c>connection_name</c> client property, RabbitMQ.Client's <c>ClientProvidedName</c>).
/// </summary>
/// <param name="VirtualHost">The virtual host.</param>
/// <param name="Connection">The connection's addresses or client-provided name.</param>
/// <param name="Channel">The channel number on that connection.</param>
/// <param name="Queue">The queue (a publish routed to it, a declare of it).</param>
public sealed record FaultScope(string? VirtualHost = null, string? Connection = null, ushort? Channel = null, string? Queue = null)
{
    /// <summary>Every connection, channel, queue and virtual host.</summary>
    public static FaultScope Everywhere { get; } = new();

    public static FaultScope ForConnection(string connection) => new(Connection: connection);

    public static FaultScope ForChannel(string connection, ushort channel) => new(Connection: connection, Channel: channel);

    public static FaultScope ForVirtualHost(string virtualHost) => new(VirtualHost: virtualHost);

    public static FaultScope ForQueue(string queue, string virtualHost = "/") => new(VirtualHost: virtualHost, Queue: queue);

    /// <summary>Whether the connection is in scope (the channel and queue parts are not looked at).</summary>
    public bool Matches(ClientConnection connection) =>
        (VirtualHost is null || VirtualHost == connection.VirtualHost) && (Connection is null || Names(connection, Connection));

    /// <summary>Whether an operation of <paramref name="connection"/> (null: the broker's own or the admin API's) on a channel in a vhost is in scope.</summary>
    internal bool Matches(string virtualHost, ClientConnection? connection, ushort channel) =>
        (VirtualHost is null || VirtualHost == virtualHost)
        && (Connection is null || (connection is not null && Names(connection, Connection)))
        && (Channel is null || Channel == channel);

    private static bool Names(ClientConnection connection, string name) =>
        connection.Name == name || (connection.ClientProperties.GetValueOrDefault("connection_name") is string given && given == name);
}
