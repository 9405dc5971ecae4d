using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Testing.Faults;

namespace AmqpBroker.Core.VirtualHosts;

/// <summary>The virtual host's part in test faults.</summary>
public sealed partial class VirtualHost
{
    /// <summary>The broker's test faults; null for a virtual host made without a broker.</summary>
    internal BrokerFaults? Faults => _services.Faults;

    /// <summary>Routes and enqueues, skipping every queue <paramref name="accept"/> refuses (see <see cref="Publishing.QueueDelivery"/>).</summary>
    internal Publishing.DeliveryResult Deliver(Exchange exchange, Message message, RoutingScratch scratch, Func<Queue, Message, bool> accept) =>
        Publishing.QueueDelivery.Deliver(exchange, message, _findExchange, scratch, countQueuePublish: true, accept);
}
