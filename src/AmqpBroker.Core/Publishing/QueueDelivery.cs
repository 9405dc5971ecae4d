using AmqpBroker.Core.Exchanges;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Statistics;

namespace AmqpBroker.Core.Publishing;

/// <summary>
/// The step every publish ends in, dead-lettering included: the exchange routes the message (onward
/// through exchange-to-exchange bindings and alternate exchanges) and every queue it reaches enqueues it
/// once. It also applies the durability rule each queue's type decides: a persistent message that reached a
/// durable classic queue, or any message that reached a quorum queue or stream, is confirmed only after the
/// store has synced it.
/// </summary>
internal static class QueueDelivery
{
    /// <param name="exchange">Where routing starts.</param>
    /// <param name="message">The message; each queue that keeps it takes its own reference.</param>
    /// <param name="findExchange">Looks up exchanges of the same virtual host (bindings and alternate exchanges name them).</param>
    /// <param name="scratch">The caller's reusable routing lists; <see cref="RoutingScratch.Queues"/> holds the queues reached afterwards.</param>
    /// <param name="countQueuePublish">Whether each queue counts the message as published to it (client publishes do; dead-lettering does not).</param>
    /// <param name="accept">Skips a queue the message reached (dead-lettering's cycle rule); null keeps every queue.</param>
    public static DeliveryResult Deliver(
        Exchange exchange,
        Message message,
        Func<string, Exchange?> findExchange,
        RoutingScratch scratch,
        bool countQueuePublish,
        Func<Queue, Message, bool>? accept = null)
    {
        MessageRouter.Route(exchange, message, findExchange, scratch);
        var rejected = false;
        var needsSync = false;
        QueueCredit? behind = null;
        foreach (var queue in scratch.Queues)
        {
            if (accept is not null && !accept(queue, message))
            {
                continue;
            }

            needsSync |= queue.NeedsSync(message);
            if (!queue.Enqueue(message))
            {
                rejected = true;
            }
            else if (countQueuePublish)
            {
                queue.Counters.Increment(MessageCounter.Publish);
            }

            if (queue.Credit is { IsBehind: true } credit)
            {
                behind = credit;
            }
        }

        return new DeliveryResult(scratch.Queues.Count, rejected, needsSync, behind);
    }
}

/// <summary>What <see cref="QueueDelivery.Deliver"/> did with one message.</summary>
/// <param name="Queues">How many queues the message reached.</param>
/// <param name="Rejected">A full queue refused it (x-overflow reject-publish).</param>
/// <param name="NeedsSync">A queue it reached keeps it durably: its confirm waits for the store's sync.</param>
/// <param name="Behind">The credit of a queue it reached that is behind (<see cref="QueueCredit.IsBehind"/>), if any.</param>
internal readonly record struct DeliveryResult(int Queues, bool Rejected, bool NeedsSync, QueueCredit? Behind = null);
