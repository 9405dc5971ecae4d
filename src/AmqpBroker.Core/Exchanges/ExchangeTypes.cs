namespace AmqpBroker.Core.Exchanges;

/// <summary>The names of the exchange types built in (AMQP's four and plugin ones); <see cref="ExchangeTypeRegistry"/> knows which exist in a broker.</summary>
public static class ExchangeTypes
{
    public const string Direct = "direct";
    public const string Fanout = "fanout";
    public const string Topic = "topic";
    public const string Headers = "headers";
    public const string ConsistentHash = "x-consistent-hash";

    /// <summary>RabbitMQ 4.0+: one random bound queue per message.</summary>
    public const string LocalRandom = "x-local-random";

    /// <summary>RabbitMQ 4.3+: one bound destination per message, picked by a hash of its routing keys.</summary>
    public const string ModulusHash = "x-modulus-hash";
}
