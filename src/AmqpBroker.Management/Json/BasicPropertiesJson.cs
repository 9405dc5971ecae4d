using System.Text;
using AmqpBroker.Protocol.Content;
using AmqpBroker.Protocol.Encoding;

namespace AmqpBroker.Management.Json;

/// <summary>Message properties in the JSON form of RabbitMQ's publish and get endpoints (only the set ones appear).</summary>
internal static class BasicPropertiesJson
{
    private const int ShortStringLimit = 255;

    public static JsonObject ToJson(BasicProperties properties)
    {
        var json = new JsonObject();
        Add(json, "content_type", properties.ContentType);
        Add(json, "content_encoding", properties.ContentEncoding);
        if (properties.Headers is { } headers)
        {
            json["headers"] = FieldTableJson.ToJson(headers);
        }

        if (properties.DeliveryMode is { } deliveryMode)
        {
            json["delivery_mode"] = deliveryMode;
        }

        if (properties.Priority is { } priority)
        {
            json["priority"] = priority;
        }

        Add(json, "correlation_id", properties.CorrelationId);
        Add(json, "reply_to", properties.ReplyTo);
        Add(json, "expiration", properties.Expiration);
        Add(json, "message_id", properties.MessageId);
        if (properties.Timestamp is { } timestamp)
        {
            json["timestamp"] = timestamp.UnixSeconds;
        }

        Add(json, "type", properties.Type);
        Add(json, "user_id", properties.UserId);
        Add(json, "app_id", properties.AppId);
        Add(json, "cluster_id", properties.ClusterId);
        return json;
    }

    /// <summary>Reads the <c>properties</c> object of a publish; wrong types and out-of-range values are a 400.</summary>
    public static BasicProperties FromJson(JsonObject json)
    {
        var body = new JsonBody(json);
        return new BasicProperties
        {
            ContentType = ShortString(body, "content_type"),
            ContentEncoding = ShortString(body, "content_encoding"),
            Headers = body.Has("headers") ? body.Table("headers") : null,
            DeliveryMode = Octet(body, "delivery_mode"),
            Priority = Octet(body, "priority"),
            CorrelationId = ShortString(body, "correlation_id"),
            ReplyTo = ShortString(body, "reply_to"),
            Expiration = ShortString(body, "expiration"),
            MessageId = ShortString(body, "message_id"),
            Timestamp = body.Integer("timestamp") is { } seconds ? new AmqpTimestamp(seconds) : null,
            Type = ShortString(body, "type"),
            UserId = ShortString(body, "user_id"),
            AppId = ShortString(body, "app_id"),
            ClusterId = ShortString(body, "cluster_id"),
        };
    }

    private static void Add(JsonObject json, string name, string? value)
    {
        if (value is not null)
        {
            json[name] = value;
        }
    }

    private static string? ShortString(JsonBody body, string key) => body.String(key) switch
    {
        { } text when Encoding.UTF8.GetByteCount(text) > ShortStringLimit => throw ApiException.BadRequest($"property '{key}' is longer than {ShortStringLimit} bytes"),
        var text => text,
    };

    private static byte? Octet(JsonBody body, string key) => body.Integer(key) switch
    {
        null => null,
        >= 0 and <= byte.MaxValue and var value => (byte)value,
        var value => throw ApiException.BadRequest($"property '{key}' must be between 0 and 255, got {value}"),
    };
}
