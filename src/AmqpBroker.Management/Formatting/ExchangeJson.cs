using AmqpBroker.Core.Exchanges;
using AmqpBroker.Management.Json;

namespace AmqpBroker.Management.Formatting;

/// <summary>An exchange as RabbitMQ's management API shows it; the default exchange is named "" in JSON.</summary>
internal static class ExchangeJson
{
    /// <summary>The default exchange's name in URLs, where an empty segment cannot name it.</summary>
    public const string DefaultExchangePathName = "amq.default";

    public static JsonObject Create(Exchange exchange)
    {
        var json = Definition(exchange.Definition);
        if (exchange.PolicyName is { } policy)
        {
            json["policy"] = policy;
        }

        return json;
    }

    /// <summary>What declares the exchange, as both the API's exchange objects and exported definitions start.</summary>
    public static JsonObject Definition(ExchangeDefinition definition) => new()
    {
        ["name"] = definition.Name,
        ["vhost"] = definition.VirtualHost,
        ["type"] = definition.Type,
        ["durable"] = definition.Durable,
        ["auto_delete"] = definition.AutoDelete,
        ["internal"] = definition.Internal,
        ["arguments"] = FieldTableJson.ToJson(definition.Arguments),
    };

    /// <summary>A single exchange adds RabbitMQ's detailed-stats lists, empty without detailed rates.</summary>
    public static JsonObject CreateDetailed(Exchange exchange)
    {
        var json = Create(exchange);
        json["incoming"] = new JsonArray();
        json["outgoing"] = new JsonArray();
        return json;
    }
}
