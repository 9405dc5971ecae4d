namespace AmqpBroker.Protocol.Framing;

/// <summary>The 8-byte protocol header a client sends first: <c>AMQP 0 0 9 1</c>.</summary>
public static class ProtocolHeader
{
    public static ReadOnlySpan<byte> Amqp091 => "AMQP\0\0\u0009\u0001"u8;

    /// <summary>The 0-9 header (<c>AMQP 1 1 0 9</c>), which RabbitMQ serves as 0-9-1; some old clients send it.</summary>
    public static ReadOnlySpan<byte> Amqp09 => "AMQP\u0001\u0001\0\u0009"u8;
}
