using System.Text;
using AmqpBroker.Core;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Publishing;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Management.Json;

namespace AmqpBroker.Management.Messaging;

/// <summary>
/// POST /api/exchanges/{vhost}/{name}/publish: one message through Core's publish pipeline, so the rules of
/// an AMQP publish apply (size, write permission, user_id, expiration, missing and internal exchanges). As in
/// RabbitMQ, whose management plugin publishes through a channel, a refusal is a 400 carrying the AMQP code and text.
/// </summary>
internal static class HttpPublisher
{
    /// <summary>Publishes and returns whether any queue received the message.</summary>
    public static bool Publish(Broker broker, VirtualHost virtualHost, string exchangeName, JsonBody body, ApiUser user)
    {
        var routingKey = body.RequireString("routing_key");
        var payload = body.RequireString("payload");
        var encoding = body.RequireString("payload_encoding");
        var properties = BasicPropertiesJson.FromJson(body.Object("properties") ?? throw JsonBody.Missing("properties"));
        var bytes = encoding switch
        {
            "string" => Encoding.UTF8.GetBytes(payload),
            "base64" => DecodeBase64(payload),
            _ => throw ApiException.BadRequest($"payload_encoding must be \"string\" or \"base64\", got \"{encoding}\""),
        };
        var publisher = broker.CreatePublisher(virtualHost, user.AccessIn(virtualHost.Name), broker.MessageTotals);
        try
        {
            return publisher.Publish(new PublishRequest(Message.Create(exchangeName, routingKey, properties.Encode(), bytes))).Routed;
        }
        catch (AmqpException ex)
        {
            throw ApiException.BadRequest($"{(int)ex.Code} {ex.ReplyText}");
        }
    }

    private static byte[] DecodeBase64(string payload)
    {
        try
        {
            return Convert.FromBase64String(payload);
        }
        catch (FormatException)
        {
            throw ApiException.BadRequest("not_base64: payload is not valid base64");
        }
    }
}
