using System.Text;
using AmqpBroker.Core;
using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Security;
using AmqpBroker.Core.Statistics;
using AmqpBroker.Core.VirtualHosts;
using AmqpBroker.Management.Http;
using AmqpBroker.Management.Json;
using AmqpBroker.Management.Security;

namespace AmqpBroker.Management.Messaging;

/// <summary>
/// POST /api/exchanges/{vhost}/{name}/publish: one message with the rules an AMQP publish has (internal
/// exchanges, user_id, expiration, size). As in RabbitMQ, a broker refusal is a 400 carrying the AMQP code and text.
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
        if (bytes.Length > broker.Settings.MaxMessageSize)
        {
            throw ApiException.BadRequest($"message size {bytes.Length} is larger than the maximum allowed {broker.Settings.MaxMessageSize}");
        }

        if (properties.UserId is { } userId && userId != user.Name)
        {
            throw ApiException.BadRequest($"user_id property set to '{userId}' but authenticated user was '{user.Name}'");
        }

        try
        {
            return Route(broker, virtualHost, user.AccessIn(virtualHost.Name), exchangeName, routingKey, properties.Encode(), bytes);
        }
        catch (AmqpException ex)
        {
            throw ApiException.BadRequest($"{(int)ex.Code} {ex.ReplyText}");
        }
    }

    private static bool Route(Broker broker, VirtualHost virtualHost, ResourceAccess access, string exchangeName, string routingKey, byte[] properties, byte[] body)
    {
        access.Check(AccessKind.Write, ResourceKind.Exchange, exchangeName);
        var exchange = virtualHost.GetExchange(exchangeName);
        if (exchange.Definition.Internal)
        {
            throw AmqpException.AccessRefused($"cannot publish to internal exchange '{exchangeName}' in vhost '{virtualHost.Name}'");
        }

        var message = Message.Create(exchange.Name, routingKey, properties, body);
        try
        {
            if (!message.Summary.ExpirationValid)
            {
                throw AmqpException.PreconditionFailed("invalid expiration: it must be a non-negative integer number of milliseconds");
            }

            var routed = virtualHost.Publish(exchange, message, new RoutingScratch(), out _) > 0;
            broker.MessageTotals.Increment(MessageCounter.Publish);
            broker.MessageTotals.Increment(routed ? MessageCounter.Routed : MessageCounter.DropUnroutable);
            return routed;
        }
        finally
        {
            message.Release();
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
