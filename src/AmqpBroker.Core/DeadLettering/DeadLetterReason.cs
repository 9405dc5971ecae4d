namespace AmqpBroker.Core.DeadLettering;

/// <summary>Why a message left its queue for the dead-letter exchange; the names are RabbitMQ's x-death reasons.</summary>
public enum DeadLetterReason
{
    Rejected,
    Expired,
    MaxLength,
    DeliveryLimit,
}

public static class DeadLetterReasons
{
    public static string Name(DeadLetterReason reason) => reason switch
    {
        DeadLetterReason.Rejected => "rejected",
        DeadLetterReason.Expired => "expired",
        DeadLetterReason.MaxLength => "maxlen",
        _ => "delivery_limit",
    };
}
