using AmqpBroker.Core.Sessions;

namespace AmqpBroker.Core.Queues;

/// <summary>The queue's part in test faults (see <see cref="Testing.Faults.BrokerFaults"/>).</summary>
public abstract partial class MessageQueue
{
    /// <summary>
    /// Cancels every consumer from the broker's side, as RabbitMQ does when a queue fails over: each consumer's
    /// channel gets basic.cancel, its unacked deliveries stay unacked, the queue and its messages stay. Returns how many.
    /// </summary>
    internal override int CancelConsumersFromBroker()
    {
        Consumer[] consumers;
        lock (_lock)
        {
            consumers = _consumers.RemoveAll();
        }

        foreach (var consumer in consumers)
        {
            consumer.Session.OnQueueDeleted(consumer);
        }

        return consumers.Length;
    }
}
