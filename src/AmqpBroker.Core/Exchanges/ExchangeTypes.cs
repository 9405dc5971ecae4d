namespace AmqpBroker.Core.Exchanges;

/// <summary>The names of the exchange types built in (AMQP's four and plugin ones); <see cref="ExchangeTypeRegistry"/> knows which exist.</summary>
public static class ExchangeTypes
{
    public const string Direct = "direct";
    public const string Fanout = "fanout";
    public const string Topic = "topic";
    public const string Headers = "headers";
    public const string ConsistentHash = "x-consistent-hash";
}
