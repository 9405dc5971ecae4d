using AmqpBroker.Core.Errors;

namespace AmqpBroker.Core.Exchanges;

/// <summary>Creates an exchange of a declared type; the one place that knows which types exist.</summary>
internal static class ExchangeFactory
{
    public static Exchange Create(ExchangeDefinition definition) => definition.Type switch
    {
        ExchangeTypes.Direct => new DirectExchange(definition),
        ExchangeTypes.Fanout => new FanoutExchange(definition),
        ExchangeTypes.Topic => new TopicExchange(definition),
        ExchangeTypes.Headers => new HeadersExchange(definition),
        _ => throw UnknownType(definition.Type),
    };

    /// <summary>RabbitMQ checks the type before anything else about a declare, even for an existing exchange.</summary>
    public static void CheckType(string type)
    {
        if (type is not (ExchangeTypes.Direct or ExchangeTypes.Fanout or ExchangeTypes.Topic or ExchangeTypes.Headers))
        {
            throw UnknownType(type);
        }
    }

    private static AmqpException UnknownType(string type) => AmqpException.CommandInvalid($"unknown exchange type '{type}'");
}

public static class ExchangeTypes
{
    public const string Direct = "direct";
    public const string Fanout = "fanout";
    public const string Topic = "topic";
    public const string Headers = "headers";
}
