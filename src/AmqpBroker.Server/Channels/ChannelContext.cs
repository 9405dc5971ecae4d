using AmqpBroker.Core;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Server.Connections;
using AmqpBroker.Server.Writing;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Server.Channels;

/// <summary>
/// What the channels of one open connection share: its writer, who it is, what it may do and where, and
/// the broker. Made once when the connection opens, so channels never reach into the connection itself.
/// </summary>
/// <param name="Writer">The connection's only writer.</param>
/// <param name="Broker">The broker, for its message store, direct reply-to registry, settings and totals.</param>
/// <param name="Client">The broker's record of the connection.</param>
/// <param name="Access">The permissions of the connection's user in its vhost, checked by every channel operation.</param>
/// <param name="VirtualHost">The vhost the connection opened.</param>
/// <param name="Logger">The channels' logger (category <c>AmqpBroker.Server.Channels</c>).</param>
/// <param name="Quota">How many more queues and exchanges the connection may create.</param>
/// <param name="Flow">The connection's flow control, told of publishes that reached a queue behind its consumers.</param>
/// <param name="CancelNotify">The client announced <c>consumer_cancel_notify</c>: it is told when a consumed queue goes away.</param>
internal sealed record ChannelContext(
    ConnectionWriter Writer,
    Broker Broker,
    ClientConnection Client,
    ResourceAccess Access,
    VirtualHost VirtualHost,
    ILogger Logger,
    Connections.ConnectionQuota Quota,
    PublisherFlow Flow,
    bool CancelNotify = true);
