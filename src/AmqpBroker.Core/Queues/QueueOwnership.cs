using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Sessions;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// Exclusivity of one queue: the connection an exclusive queue belongs to (only it may use the queue, which
/// goes with it), and exclusive consumers (the only consumer while they last). Refusals carry RabbitMQ's
/// codes and texts.
/// </summary>
internal sealed class QueueOwnership(QueueDefinition definition, ClientConnection? owner)
{
    /// <summary>The connection an exclusive queue belongs to; null for a shared queue.</summary>
    public ClientConnection? Owner => owner;

    /// <summary>Throws 405 RESOURCE_LOCKED when the queue is exclusive to another connection.</summary>
    public void CheckAccess(ClientConnection connection)
    {
        if (owner is not null && !ReferenceEquals(owner, connection))
        {
            throw Locked();
        }
    }

    /// <summary>A redeclare must ask for the exclusivity the queue was declared with; RabbitMQ answers 405 otherwise.</summary>
    public void CheckExclusivity(bool exclusive)
    {
        if (exclusive != owner is not null)
        {
            throw Locked();
        }
    }

    /// <summary>403 ACCESS_REFUSED when an exclusive consumer would share the queue (called under the queue's lock).</summary>
    public void CheckConsumer(Consumer consumer, ConsumerSet consumers) => CheckConsumer(consumer, consumers.Count, consumers.HasExclusive);

    /// <summary>The same check for a queue that keeps its consumers its own way (<paramref name="count"/> of them, one of them exclusive or not).</summary>
    public void CheckConsumer(Consumer consumer, int count, bool hasExclusive)
    {
        if (consumer.Exclusive ? count > 0 : hasExclusive)
        {
            throw AmqpException.AccessRefused($"queue '{definition.Name}' in vhost '{definition.VirtualHost}' in exclusive use");
        }
    }

    private AmqpException Locked() => AmqpException.ResourceLocked(
        $"cannot obtain exclusive access to locked queue '{definition.Name}' in vhost '{definition.VirtualHost}'. It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.");
}
