using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Queues.Classic;

namespace AmqpBroker.Core.Exchanges;

/// <summary>
/// RabbitMQ 4.0's <c>x-local-random</c>: each message goes to one of the bound queues, picked at random (on a
/// single node every queue is local). Only classic queues may be bound, with an empty binding key
/// (rabbit_exchange_type_local_random:validate_binding).
/// </summary>
public sealed class LocalRandomExchange(ExchangeDefinition definition) : KeylessExchange(definition)
{
    public override void Route(Message message, RoutingScratch scratch)
    {
        var destinations = Destinations;
        if (destinations.Length > 0)
        {
            scratch.Destinations.Add(destinations[destinations.Length == 1 ? 0 : Random.Shared.Next(destinations.Length)]);
        }
    }

    protected override void ValidateBinding(Binding binding)
    {
        if (binding.RoutingKey.Length > 0)
        {
            throw AmqpException.PreconditionFailed($"Non empty binding '{binding.RoutingKey}' key not permitted");
        }

        if (binding.Destination is not Queue queue)
        {
            throw AmqpException.PreconditionFailed("Destination not found");
        }

        if (queue.Type is not ClassicQueueType)
        {
            throw AmqpException.PreconditionFailed($"Queue type {queue.Type.Capabilities.Module} not valid for this exchange type");
        }
    }
}

/// <summary>The <c>x-local-random</c> type (RabbitMQ 4.0+).</summary>
internal sealed class LocalRandomExchangeType : IExchangeType
{
    public string Name => ExchangeTypes.LocalRandom;

    public string Description => "Picks one random local binding (queue) to route via (to).";

    public Exchange Create(ExchangeDefinition definition) => new LocalRandomExchange(definition);
}
