namespace AmqpBroker.Core.Policies;

/// <summary>
/// A policy the broker refuses: a bad pattern, an unknown definition key or a bad value. The message is
/// RabbitMQ's own reason (e.g. <c>-1 is not a valid message TTL</c>); RabbitMQ's HTTP API answers it as
/// 400 with the reason <c>"Validation failed\n\n" + message + "\n"</c>.
/// </summary>
public sealed class PolicyValidationException : Exception
{
    public PolicyValidationException(string message)
        : base(message)
    {
    }
}
