using AmqpBroker.Core;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Statistics;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Management.Messaging;

/// <summary>
/// Moves messages from one queue to another in the same vhost, oldest first, as a shovel with
/// on-confirm acknowledgements would: each batch is enqueued in the destination, made durable there, and
/// only then let go of by the source, so a crash can duplicate a moved message but never lose it. A
/// destination that refuses a message (x-overflow reject-publish) stops the move and the message stays.
/// Properties, body, exchange and routing key are kept.
/// </summary>
internal static class QueueMover
{
    private const int BatchSize = 1_000;

    /// <summary>Moves up to <paramref name="limit"/> messages and returns how many moved.</summary>
    public static async Task<long> MoveAsync(Broker broker, Queue source, Queue destination, long limit, CancellationToken cancellationToken)
    {
        long moved = 0;
        var batch = new List<QueueEntry>(BatchSize);
        var refused = false;
        while (moved < limit && !refused && !cancellationToken.IsCancellationRequested)
        {
            batch.Clear();
            refused = !EnqueueBatch(source, destination, batch, limit - moved);
            if (batch.Count == 0)
            {
                break;
            }

            await SettleWhenDurableAsync(broker.Messages, source, batch).ConfigureAwait(false);
            moved += batch.Count;
        }

        source.Drain();
        return moved;
    }

    /// <summary>
    /// Takes a batch of at most <paramref name="room"/> messages from the source and enqueues them in the destination;
    /// false when the destination refused one, which stays in the source.
    /// </summary>
    private static bool EnqueueBatch(Queue source, Queue destination, List<QueueEntry> batch, long room)
    {
        while (batch.Count < BatchSize && batch.Count < room && source.TryTake(out var entry, out _))
        {
            if (!destination.Enqueue(entry.Message))
            {
                source.Requeue(entry);
                return false;
            }

            destination.Counters.Increment(MessageCounter.Publish);
            batch.Add(entry);
        }

        return true;
    }

    /// <summary>The source lets go of the batch once the destination holds it durably.</summary>
    private static async Task SettleWhenDurableAsync(IMessageStore store, Queue source, List<QueueEntry> batch)
    {
        try
        {
            await DurableSignal.WhenDurableAsync(store).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Not durable in the destination: the source keeps the batch (the destination may hold copies).
            foreach (var entry in batch)
            {
                source.Requeue(entry);
            }

            throw;
        }

        foreach (var entry in batch)
        {
            source.Settle(entry);
        }
    }
}
