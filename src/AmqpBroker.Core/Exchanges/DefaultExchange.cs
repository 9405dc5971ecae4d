using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Queues;

namespace AmqpBroker.Core.Exchanges;

/// <summary>The nameless exchange: every queue is implicitly bound to it by its own name (CC/BCC keys name queues too).</summary>
public sealed class DefaultExchange(ExchangeDefinition definition, Func<string, Queue?> findQueue) : Exchange(definition)
{
    public override void Route(Message message, RoutingScratch scratch)
    {
        RouteKey(message.RoutingKey, scratch);
        foreach (var key in scratch.SenderSelectedKeys)
        {
            RouteKey(key, scratch);
        }
    }

    private void RouteKey(string routingKey, RoutingScratch scratch)
    {
        if (findQueue(routingKey) is { } queue)
        {
            scratch.Destinations.Add(queue);
        }
    }

    // Explicit bindings to the default exchange are refused before they get here.
    protected override void OnBindingAdded(Binding binding) => throw new InvalidOperationException("the default exchange takes no bindings");

    protected override void OnBindingRemoved(Binding binding) => throw new InvalidOperationException("the default exchange takes no bindings");
}
