namespace AmqpBroker.Protocol.Encoding;

/// <summary>An AMQP timestamp: seconds since the Unix epoch (field type 'T').</summary>
public readonly record struct AmqpTimestamp(long UnixSeconds);
