using AmqpBroker.Core.Security;
using AmqpBroker.Core.Statistics;

namespace AmqpBroker.Core;

/// <summary>
/// The broker's record of one open client connection: who it is, where from, and how to force it closed.
/// Created by the server after connection.open; exclusive queues are owned by it.
/// </summary>
public sealed class ClientConnection(string name, User user, string virtualHost, IReadOnlyDictionary<string, object?> clientProperties, DateTimeOffset connectedAt, Action<string> forceClose)
{
    /// <summary>RabbitMQ's form: <c>127.0.0.1:50312 -&gt; 127.0.0.1:5672</c>.</summary>
    public string Name { get; } = name;

    public User User { get; } = user;

    public string VirtualHost { get; } = virtualHost;

    public IReadOnlyDictionary<string, object?> ClientProperties { get; } = clientProperties;

    public DateTimeOffset ConnectedAt { get; } = connectedAt;

    /// <summary>Endpoints and negotiated limits, for the admin API.</summary>
    public ConnectionDetails Details { get; init; } = ConnectionDetails.Unknown;

    /// <summary>
    /// The connection's open channels right now. Channels are the server's; it supplies this so that the
    /// admin API, which knows only Core, can list them.
    /// </summary>
    public Func<IReadOnlyList<ChannelSnapshot>> Channels { get; init; } = static () => [];

    /// <summary>How many channels the connection has open now (the user and node channel limits count them).</summary>
    public Func<int> ChannelCount { get; init; } = static () => 0;

    /// <summary>Bytes and socket reads/writes of the connection since it was accepted; the server counts them.</summary>
    public ConnectionTraffic Traffic { get; init; } = new();

    /// <summary>
    /// The connection's state as RabbitMQ names it (<c>running</c>, <c>flow</c>, <c>blocking</c>, <c>blocked</c>,
    /// <c>closing</c>); the server supplies it, since throttling is the server's.
    /// </summary>
    public Func<string> State { get; init; } = static () => "running";

    /// <summary>The faults the server can make this connection show (see <see cref="Testing.Faults.BrokerFaults"/>); null when it cannot.</summary>
    public Testing.Faults.IConnectionFaults? Faults { get; init; }

    /// <summary>Closes the connection with 320 CONNECTION_FORCED and <paramref name="reason"/>.</summary>
    public void ForceClose(string reason) => forceClose(reason);
}
