using AmqpBroker.Core.Messages;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Queues.Quorum;

/// <summary>
/// The headers a quorum queue adds to a delivery to say how often the message came back before:
/// <c>x-delivery-count</c> (long), and from RabbitMQ 4.3 also <c>x-acquired-count</c>. The queue delivers its
/// own stamped copy; dead-lettering strips the headers again, as they are not part of the message.
/// </summary>
internal static class DeliveryCountHeader
{
    public const string Name = "x-delivery-count";

    public const string AcquiredName = "x-acquired-count";

    /// <summary>
    /// A copy of <paramref name="message"/> carrying the counts that are given (replacing ones it carried);
    /// the caller's reference to the original is released.
    /// </summary>
    public static Message Stamp(Message message, long? deliveryCount, long? acquiredCount = null)
    {
        var properties = BasicProperties.Decode(message.Properties);
        var headers = properties.Headers is null ? new Dictionary<string, object?>() : new Dictionary<string, object?>(properties.Headers);
        if (deliveryCount is { } delivered)
        {
            headers[Name] = delivered;
        }

        if (acquiredCount is { } acquired)
        {
            headers[AcquiredName] = acquired;
        }

        properties.Headers = headers;
        var stamped = Message.Create(message.Exchange, message.RoutingKey, properties.Encode(), message.Body);
        message.Release();
        return stamped;
    }
}
