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
            ["ssl"] = details.Tls is not null,
            ["channel_max"] = details.ChannelMax,
            ["frame_max"] = details.FrameMax,
            ["timeout"] = details.HeartbeatSeconds,
            ["channels"] = connection.Channels().Count,
            ["connected_at"] = connection.ConnectedAt.ToUnixTimeMilliseconds(),
            ["client_properties"] = FieldTableJson.ToJson(connection.ClientProperties),
        };
        if (details.Tls is { } tls)
        {
            json["ssl_protocol"] = tls.Protocol;
            json["ssl_key_exchange"] = tls.KeyExchange;
            json["ssl_cipher"] = tls.Cipher;
            json["ssl_hash"] = tls.Hash;
            json["peer_cert_subject"] = tls.PeerCertSubject;
            json["peer_cert_issuer"] = tls.PeerCertIssuer;
        }

        if (connection.ClientProperties.GetValueOrDefault("connection_name") is { } providedName)
        {
            json["user_provided_name"] = FieldTableJson.ToJson(providedName);
        }

        return json;
    }
}
