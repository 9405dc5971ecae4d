namespace AmqpBroker.Protocol.Encoding;

/// <summary>
/// Malformed wire data inside a frame (a truncated field, an unknown field-value type, a string that is
/// not UTF-8). The connection answers it with 502 SYNTAX_ERROR.
/// </summary>
public sealed class AmqpFormatException(string message) : Exception(message);
