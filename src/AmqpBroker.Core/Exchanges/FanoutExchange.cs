using AmqpBroker.Core.Messages;

namespace AmqpBroker.Core.Exchanges;

/// <summary>Routes to every bound destination, whatever the routing key.</summary>
public sealed class FanoutExchange(ExchangeDefinition definition) : KeylessExchange(definition)
{
    public override void Route(Message message, RoutingScratch scratch) => scratch.Destinations.AddRange(Destinations);
}

/// <summary>The <c>fanout</c> type.</summary>
internal sealed class FanoutExchangeType : IExchangeType
{
    public string Name => ExchangeTypes.Fanout;

    public string Description => "AMQP fanout exchange, as per the AMQP specification";

    public Exchange Create(ExchangeDefinition definition) => new FanoutExchange(definition);
}
