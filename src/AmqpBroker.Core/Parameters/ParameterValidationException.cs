namespace AmqpBroker.Core.Parameters;

/// <summary>A runtime parameter was refused; the message is RabbitMQ's reason (the admin API answers 400 "Validation failed").</summary>
public sealed class ParameterValidationException(string message) : Exception(message);
