namespace AmqpBroker.Core.Parameters;

/// <summary>
/// A parameter value on which the RabbitMQ release's validation crashes (a case_clause or function_clause) instead of
/// refusing it with a reason: the HTTP API then answers as Cowboy does, 500 without a body.
/// </summary>
public sealed class ParameterValidationCrashException(string message) : Exception(message);
