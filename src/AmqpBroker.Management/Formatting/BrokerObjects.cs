using AmqpBroker.Core;
using AmqpBroker.Core.Sessions;
using AmqpBroker.Core.Statistics;

namespace AmqpBroker.Management.Formatting;

/// <summary>Walks the broker's live objects that only connections know: channels and consumers.</summary>
internal static class BrokerObjects
{
    public static IEnumerable<ChannelSnapshot> Channels(Broker broker) =>
        broker.Connections.SelectMany(c => c.Channels());

    public static IEnumerable<Consumer> Consumers(Broker broker) =>
        Channels(broker).SelectMany(c => c.Session.Consumers);
}
