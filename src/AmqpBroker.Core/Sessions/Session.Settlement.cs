using AmqpBroker.Core.Errors;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Statistics;

namespace AmqpBroker.Core.Sessions;

/// <summary>
/// Settling a session's unacked deliveries: acks, rejects and nacks by delivery tag (one or all up to it), and
/// the take-and-complete steps transactions use to settle at commit.
/// </summary>
public sealed partial class Session
{
    private void Settle(ulong deliveryTag, bool multiple, Settlement settlement)
    {
        // Acks arrive only on the channel's read loop, so one scratch list serves them all.
        var removed = _settling;
        removed.Clear();
        var channelWasFull = _prefetch.IsChannelFull;
        Take(deliveryTag, multiple, removed);
        Complete(removed, settlement);
        if (channelWasFull)
        {
            // Channel-wide credit came back: queues other than the settled ones may be waiting for it.
            ResumeDeliveries();
        }
    }

    /// <summary>
    /// Inside a transaction: removes the deliveries an ack/nack/reject names (validating the tag now, as
    /// RabbitMQ does) without settling them; the caller completes them on commit or restores them on rollback.
    /// </summary>
    public void Take(ulong deliveryTag, bool multiple, List<UnackedDelivery> taken)
    {
        lock (_lock)
        {
            if (!_unacked.TryRemove(deliveryTag, multiple, taken))
            {
                throw AmqpException.PreconditionFailed($"unknown delivery tag {deliveryTag}");
            }
        }
    }

    /// <summary>Transaction rolled back: the taken deliveries are unacked again.</summary>
    public void Restore(IReadOnlyList<UnackedDelivery> taken)
    {
        lock (_lock)
        {
            _unacked.Restore(taken);
        }
    }

    /// <summary>
    /// Settles deliveries taken from a session: acked, requeued, or rejected (dead-lettered or dropped).
    /// Requeues go newest first, so that each lands at the front of its queue without a scan.
    /// </summary>
    public void Complete(List<UnackedDelivery> removed, Settlement settlement) => Complete(removed, settlement, consumerGone: false);

    /// <param name="removed">The deliveries taken from this session.</param>
    /// <param name="settlement">How they end.</param>
    /// <param name="consumerGone">Requeued because the channel closed, which a quorum queue may count as a failed delivery.</param>
    private void Complete(List<UnackedDelivery> removed, Settlement settlement, bool consumerGone)
    {
        for (var i = 0; i < removed.Count; i++)
        {
            var delivery = removed[settlement == Settlement.Requeue ? removed.Count - 1 - i : i];
            delivery.Consumer?.OnSettled();
            switch (settlement)
            {
                case Settlement.Ack:
                    delivery.Queue.Settle(delivery.Entry);
                    delivery.Queue.Counters.Increment(MessageCounter.Ack);
                    break;
                case Settlement.Requeue:
                    delivery.Queue.Return(delivery.Entry, consumerGone);
                    break;
                default:
                    delivery.Queue.Reject(delivery.Entry);
                    break;
            }
        }

        if (settlement == Settlement.Ack)
        {
            Counters.Add(MessageCounter.Ack, removed.Count);
        }

        // Settling freed credit: each affected queue may now deliver more.
        Queue? last = null;
        foreach (var delivery in removed)
        {
            if (!ReferenceEquals(delivery.Queue, last))
            {
                last = delivery.Queue;
                last.Drain();
            }
        }
    }
}
