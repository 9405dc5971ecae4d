namespace AmqpBroker.Core.Security;

/// <summary>
/// A permission the broker cannot set: a pattern that is not a regular expression, or a user or virtual
/// host that does not exist. The message is RabbitMQ's reason, for an HTTP 400.
/// </summary>
public sealed class PermissionValidationException : Exception
{
    public PermissionValidationException(string message)
        : base(message)
    {
    }
}
