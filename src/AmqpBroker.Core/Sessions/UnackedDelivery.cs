using AmqpBroker.Core.Queues;

namespace AmqpBroker.Core.Sessions;

/// <summary>A message delivered on a session and not yet acked, rejected or requeued.</summary>
/// <param name="DeliveryTag">Its tag on the session.</param>
/// <param name="Queue">The queue it came from.</param>
/// <param name="Entry">The queue's entry, to settle.</param>
/// <param name="Consumer">The consumer it went to; null for basic.get.</param>
/// <param name="DeliveredAt">When it was sent, as a <see cref="TimeProvider.GetTimestamp"/> of the broker's clock (for the consumer timeout).</param>
public readonly record struct UnackedDelivery(ulong DeliveryTag, Queue Queue, QueueEntry Entry, Consumer? Consumer, long DeliveredAt);
