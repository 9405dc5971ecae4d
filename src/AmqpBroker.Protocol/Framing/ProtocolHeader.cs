namespace AmqpBroker.Protocol.Framing;

/// <summary>The 8-byte protocol header a client sends first: <c>AMQP 0 0 9 1</c>.</summary>
public static class ProtocolHeader
{
    public static ReadOnlySpan<byte> Amqp091 => "AMQP\0\0\u0009\u0001"u8;
}
