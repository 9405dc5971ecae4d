using AmqpBroker.Core.Snapshots;
using AmqpBroker.Core.VirtualHosts;

namespace AmqpBroker.Core.Testing;

/// <summary>Builds a <see cref="LeakReport"/> from a running broker: all of it, or one virtual host's part.</summary>
public static class LeakInspector
{
    /// <param name="broker">The broker to look at.</param>
    /// <param name="resetPoint">
    /// The state the broker is reset to, if any: ready messages it holds are not leaks, only those beyond them.
    /// </param>
    /// <param name="virtualHost">Only this virtual host's connections, queues and counts; null for all.</param>
    public static LeakReport Inspect(Broker broker, BrokerSnapshot? resetPoint = null, string? virtualHost = null)
    {
        ArgumentNullException.ThrowIfNull(broker);
        var connections = broker.Connections.Where(c => virtualHost is null || c.VirtualHost == virtualHost).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
        var channels = connections.SelectMany(c => c.Channels().Select(s => (Connection: c, s.Session))).ToList();
        var hosts = broker.VirtualHosts.Where(v => virtualHost is null || v.Name == virtualHost).OrderBy(v => v.Name, StringComparer.Ordinal).ToList();
        return new LeakReport(
            [.. connections.Select(c => new LeakedConnection(c.Name, c.User.Name, c.VirtualHost, c.Channels().Count))],
            [.. channels.Select(c => new LeakedChannel(c.Connection.Name, c.Session.ChannelNumber, c.Session.ConsumerCount, c.Session.UnackedCount))],
            [.. channels.SelectMany(c => c.Session.Consumers.Select(k => new LeakedConsumer(c.Connection.VirtualHost, k.Queue.Name, k.Tag, c.Connection.Name, c.Session.ChannelNumber)))],
            [.. hosts.SelectMany(v => ReadyBeyond(v, resetPoint))],
            [.. hosts.Where(v => v.Leaks.DeadLettered + v.Leaks.Unroutable + v.Leaks.Returned > 0).Select(v => new LostMessages(v.Name, v.Leaks.DeadLettered, v.Leaks.Unroutable, v.Leaks.Returned))]);
    }

    private static IEnumerable<LeakedMessages> ReadyBeyond(VirtualHost virtualHost, BrokerSnapshot? resetPoint) =>
        virtualHost.Queues
            .Select(q => (q.Name, Ready: q.ReadyCount - (resetPoint?.ReadyCount(virtualHost.Name, q.Name) ?? 0)))
            .Where(q => q.Ready > 0)
            .OrderBy(q => q.Name, StringComparer.Ordinal)
            .Select(q => new LeakedMessages(virtualHost.Name, q.Name, q.Ready));
}
