using AmqpBroker.Core.Queues;

namespace AmqpBroker.Core.Sessions;

/// <summary>A message delivered on a session and not yet acked, rejected or requeued.</summary>
public readonly record struct UnackedDelivery(ulong DeliveryTag, Queue Queue, QueueEntry Entry, Consumer? Consumer);
