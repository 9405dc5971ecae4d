using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Queues;

namespace AmqpBroker.Core.Exchanges;

/// <summary>
/// Resolves a publish to the set of queues it reaches: through the exchange's own bindings, onward
/// through exchange-to-exchange bindings (each exchange visited once, so binding loops end), and to an
/// exchange's <c>alternate-exchange</c> when its own bindings matched nothing — RabbitMQ's rules. Exchanges
/// that route by key route by the message's CC and BCC keys as well (<see cref="RoutingScratch.SenderSelectedKeys"/>).
/// </summary>
public static class MessageRouter
{
    public const string AlternateExchangeArgument = "alternate-exchange";

    public static void Route(Exchange exchange, Message message, Func<string, Exchange?> findExchange, RoutingScratch scratch)
    {
        scratch.Clear();
        RouteThrough(exchange, message, findExchange, scratch);

        var destinations = scratch.Destinations;
        for (var i = 0; i < destinations.Count; i++)
        {
            switch (destinations[i])
            {
                case Queue queue:
                    scratch.Queues.Add(queue);
                    break;
                case Exchange next when !next.IsDeleted && !scratch.Visited.Contains(next):
                    RouteThrough(next, message, findExchange, scratch);
                    break;
            }
        }

        if (scratch.Visited.Count > 1 || scratch.Queues.Count != destinations.Count || scratch.SenderSelectedKeys.Count > 0)
        {
            DestinationDeduplicator.RemoveDuplicates(scratch.Queues, scratch.Seen);
        }
    }

    private static void RouteThrough(Exchange exchange, Message message, Func<string, Exchange?> findExchange, RoutingScratch scratch)
    {
        scratch.Visited.Add(exchange);
        var before = scratch.Destinations.Count;
        exchange.Route(message, scratch);
        if (scratch.Destinations.Count == before
            && exchange.AlternateExchange is { } alternateName
            && findExchange(alternateName) is { } alternate
            && !scratch.Visited.Contains(alternate))
        {
            scratch.Destinations.Add(alternate);
        }
    }
}
