using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Core.Queues.Quorum;

/// <summary>
/// How a quorum queue counts returns and says so, by release: 3.x and 4.0–4.2 count every return and put the
/// count in <c>x-delivery-count</c> (3.10–3.12 also on a first basic.get, as 0); 4.3 counts only failed
/// deliveries towards the limit and in <c>x-delivery-count</c>, and every return in <c>x-acquired-count</c>
/// (rabbit_fifo_client:add_delivery_count_header at v4.3.0). A message whose count goes past the limit is
/// given up (rabbit_fifo:return_one).
/// </summary>
internal sealed class QuorumRedelivery(VersionProfile profile)
{
    /// <summary>The entry a basic.get hands out: stamped with a count of 0 where the release adds one to a first get.</summary>
    public QueueEntry ForGet(QueueEntry entry) =>
        profile.QuorumGetAddsZeroDeliveryCount && entry.DeliveryCount == 0
            ? entry with { Message = DeliveryCountHeader.Stamp(entry.Message, deliveryCount: 0) }
            : entry;

    /// <summary>
    /// The entry as it goes back to the queue after a return (<paramref name="consumerGone"/>: a failed delivery),
    /// stamped with its counts; false when the return takes it past <paramref name="limit"/>.
    /// </summary>
    public bool TryReturn(QueueEntry entry, bool consumerGone, long? limit, out QueueEntry redelivery)
    {
        var returned = entry.AsRedelivered(failed: consumerGone);
        var failedOnly = profile.DeliveryLimitCountsFailedDeliveriesOnly;
        var counted = failedOnly ? returned.FailedDeliveries : returned.DeliveryCount;
        if (counted > limit)
        {
            redelivery = default;
            return false;
        }

        var message = failedOnly
            ? DeliveryCountHeader.Stamp(entry.Message, returned.FailedDeliveries > 0 ? returned.FailedDeliveries : null, returned.DeliveryCount)
            : DeliveryCountHeader.Stamp(entry.Message, returned.DeliveryCount);
        redelivery = returned with { Message = message };
        return true;
    }
}
