using System.Text.Json.Nodes;
using AmqpBroker.Core;
using AmqpBroker.Management.Json;

namespace AmqpBroker.Management.Formatting;

/// <summary>An AMQP connection as RabbitMQ lists it (/api/connections).</summary>
internal static class ConnectionJson
{
    public static JsonObject Create(ClientConnection connection, ManagementContext context)
    {
        var details = connection.Details;
        var json = new JsonObject
        {
            ["name"] = connection.Name,
            ["node"] = context.NodeName,
            ["user"] = connection.User.Name,
            ["vhost"] = connection.VirtualHost,
            ["state"] = connection.State(),
            ["type"] = "network",
            ["protocol"] = "AMQP 0-9-1",
            ["auth_mechanism"] = details.AuthMechanism,
            ["host"] = details.Host,
            ["port"] = details.Port,
            ["peer_host"] = details.PeerHost,
            ["peer_port"] = details.PeerPort,
            ["ssl"] = false,
            ["channel_max"] = details.ChannelMax,
            ["frame_max"] = details.FrameMax,
            ["timeout"] = details.HeartbeatSeconds,
            ["channels"] = connection.Channels().Count,
            ["connected_at"] = connection.ConnectedAt.ToUnixTimeMilliseconds(),
            ["client_properties"] = FieldTableJson.ToJson(connection.ClientProperties),
        };
        if (connection.ClientProperties.GetValueOrDefault("connection_name") is { } providedName)
        {
            json["user_provided_name"] = FieldTableJson.ToJson(providedName);
        }

        return json;
    }
}
