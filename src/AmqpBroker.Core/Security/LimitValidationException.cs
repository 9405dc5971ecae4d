namespace AmqpBroker.Core.Security;

/// <summary>A limit the broker cannot set (an unknown name, a value that is not an integer); the message is RabbitMQ's reason, for an HTTP 400.</summary>
public sealed class LimitValidationException : Exception
{
    public LimitValidationException(string message)
        : base(message)
    {
    }
}
