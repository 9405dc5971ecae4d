using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Messages;

/// <summary>
/// Content properties as a field table with RabbitMQ's names (<c>content_type</c>, <c>delivery_mode</c>, ...),
/// only those that are set: the <c>properties</c> header of the firehose tracer, and the recorder's exports.
/// </summary>
public static class PropertyTable
{
    public static IReadOnlyDictionary<string, object?> From(BasicProperties properties)
    {
        var table = new Dictionary<string, object?>(StringComparer.Ordinal);
        Add(table, "content_type", properties.ContentType);
        Add(table, "content_encoding", properties.ContentEncoding);
        Add(table, "headers", properties.Headers);
        Add(table, "delivery_mode", properties.DeliveryMode);
        Add(table, "priority", properties.Priority);
        Add(table, "correlation_id", properties.CorrelationId);
        Add(table, "reply_to", properties.ReplyTo);
        Add(table, "expiration", properties.Expiration);
        Add(table, "message_id", properties.MessageId);
        Add(table, "timestamp", properties.Timestamp);
        Add(table, "type", properties.Type);
        Add(table, "user_id", properties.UserId);
        Add(table, "app_id", properties.AppId);
        Add(table, "cluster_id", properties.ClusterId);
        return table;
    }

    private static void Add(Dictionary<string, object?> table, string name, object? value)
    {
        if (value is not null)
        {
            table[name] = value;
        }
    }
}
