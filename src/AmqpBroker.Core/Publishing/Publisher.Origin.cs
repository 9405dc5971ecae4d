using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Testing.Faults;

namespace AmqpBroker.Core.Publishing;

/// <summary>Who publishes through this publisher, the publish faults (<see cref="BrokerFaults.NackPublishes"/>) applied to it, and its firehose trace.</summary>
public sealed partial class Publisher
{
    /// <summary>The publishing client connection; null for the broker itself and the admin API.</summary>
    public ClientConnection? Connection { get; init; }

    /// <summary>The publishing channel's number on <see cref="Connection"/>.</summary>
    public ushort Channel { get; init; }

    /// <summary>
    /// Routes and enqueues; while a publish fault is armed, through <see cref="DeliverUnderFaults"/>. With the
    /// vhost's firehose tracer on, the publish is traced with the queues it reached.
    /// </summary>
    private DeliveryResult Deliver(Exchange exchange, Message message)
    {
        var tracer = _virtualHost.Tracer;
        if (!tracer.IsOn)
        {
            return RouteAndEnqueue(exchange, message);
        }

        var trace = tracer.BeginPublish(message, _routing.SenderSelectedKeys, Connection, Channel, _user);
        try
        {
            return RouteAndEnqueue(exchange, message);
        }
        finally
        {
            tracer.Routed(trace, _routing.Queues);
        }
    }

    private DeliveryResult RouteAndEnqueue(Exchange exchange, Message message) =>
        _virtualHost.Faults is { IsArmed: true } faults
            ? DeliverUnderFaults(faults, exchange, message)
            : _virtualHost.Deliver(exchange, message, _routing);

    /// <summary>
    /// A publish a fault refuses is not enqueued by the queues it reaches and is reported rejected (basic.nack),
    /// as a queue with x-overflow reject-publish does; a queue-scoped fault refuses only at its queue.
    /// </summary>
    private DeliveryResult DeliverUnderFaults(BrokerFaults faults, Exchange exchange, Message message)
    {
        var virtualHost = _virtualHost.Name;
        var refuseAll = faults.TakePublishNack(virtualHost, Connection, Channel, queue: null);
        var refused = refuseAll;
        var delivered = _virtualHost.Deliver(exchange, message, _routing, (queue, _) =>
        {
            if (refuseAll || faults.TakePublishNack(virtualHost, Connection, Channel, queue.Name))
            {
                refused = true;
                return false;
            }

            return true;
        });
        return delivered with { Rejected = delivered.Rejected || refused };
    }
}
