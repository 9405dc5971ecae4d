using AmqpBroker.Core.Messages;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// A queue with <c>x-delivery-limit</c> tells consumers how often a message was delivered before, in the
/// <c>x-delivery-count</c> header (0 on the first delivery), as RabbitMQ's quorum queues do. The queue
/// holds its own stamped copy; dead-lettering strips the header again.
/// </summary>
internal static class DeliveryCountHeader
{
    public const string Name = "x-delivery-count";

    /// <summary>A copy of <paramref name="message"/> carrying the count; the queue's reference to the original is released.</summary>
    public static Message Stamp(Message message, int previousDeliveries)
    {
        var properties = BasicProperties.Decode(message.Properties);
        var headers = properties.Headers is null ? new Dictionary<string, object?>() : new Dictionary<string, object?>(properties.Headers);
        headers[Name] = (long)previousDeliveries;
        properties.Headers = headers;
        var stamped = Message.Create(message.Exchange, message.RoutingKey, properties.Encode(), message.Body);
        message.Release();
        return stamped;
    }
}
