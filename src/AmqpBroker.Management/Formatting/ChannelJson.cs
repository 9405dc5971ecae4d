using AmqpBroker.Core.Sessions;
using AmqpBroker.Core.Statistics;
using AmqpBroker.Management.Json;
using AmqpBroker.Management.Statistics;

namespace AmqpBroker.Management.Formatting;

/// <summary>A channel as RabbitMQ lists it: <c>"conn-name (n)"</c>, its counts, prefetch and message stats.</summary>
internal static class ChannelJson
{
    public static string Name(Session session) => $"{session.Connection.Name} ({session.ChannelNumber})";

    public static JsonObject Create(ChannelSnapshot channel, ManagementContext context)
    {
        var session = channel.Session;
        var connection = session.Connection;
        return new JsonObject
        {
            ["name"] = Name(session),
            ["number"] = session.ChannelNumber,
            ["node"] = context.NodeName,
            ["user"] = connection.User.Name,
            ["vhost"] = connection.VirtualHost,
            ["connection_details"] = new JsonObject
            {
                ["name"] = connection.Name,
                ["peer_host"] = connection.Details.PeerHost,
                ["peer_port"] = connection.Details.PeerPort,
            },
            ["consumer_count"] = session.ConsumerCount,
            ["messages_unacknowledged"] = session.UnackedCount,
            ["messages_uncommitted"] = channel.MessagesUncommitted,
            ["acks_uncommitted"] = channel.AcksUncommitted,
            // Confirms are sent as soon as a message is routed, so none is ever outstanding.
            ["messages_unconfirmed"] = 0,
            ["prefetch_count"] = session.ConsumerPrefetch,
            ["global_prefetch_count"] = session.ChannelPrefetch,
            ["confirm"] = channel.Confirm,
            ["transactional"] = channel.Transactional,
            ["state"] = State(session),
            ["message_stats"] = MessageStatsJson.ForPublisher(session.Counters, session, context.Rates),
        };
    }

    /// <summary>
    /// RabbitMQ shows <c>flow</c> for a channel whose publishing credit flow holds back. Our throttling stops reading
    /// the whole connection, so a channel that has published on a connection in flow is in flow; others run.
    /// </summary>
    private static string State(Session session) =>
        session.Counters[MessageCounter.Publish] > 0 && session.Connection.State() == "flow" ? "flow" : "running";

    /// <summary>A single channel (GET /api/channels/{name}) adds its consumers.</summary>
    public static JsonObject CreateDetailed(ChannelSnapshot channel, ManagementContext context)
    {
        var json = Create(channel, context);
        json["consumer_details"] = new JsonArray([.. channel.Session.Consumers.Select(c => ConsumerJson.Create(c, context.NodeName))]);
        json["publishes"] = new JsonArray();
        json["deliveries"] = new JsonArray();
        return json;
    }

    /// <summary>The short form a consumer carries (<c>channel_details</c>).</summary>
    public static JsonObject Details(Session session, string node)
    {
        var connection = session.Connection;
        return new JsonObject
        {
            ["connection_name"] = connection.Name,
            ["name"] = Name(session),
            ["node"] = node,
            ["number"] = session.ChannelNumber,
            ["peer_host"] = connection.Details.PeerHost,
            ["peer_port"] = connection.Details.PeerPort,
            ["user"] = connection.User.Name,
        };
    }
}
