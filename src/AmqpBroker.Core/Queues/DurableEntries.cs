using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// A durable queue's persistent entries in its log: appended when they enter, marked on their first
/// delivery to a consumer that must ack, settled when they leave, and paged out of memory beyond the log's
/// in-memory limit. Transient entries pass through untouched. The queue calls this under its own lock, so
/// records reach the log in queue order.
/// </summary>
internal sealed class DurableEntries(IQueueLog log)
{
    public static bool Holds(in QueueEntry entry) => entry.Message.Summary.IsPersistent;

    public void Append(in QueueEntry entry)
    {
        if (Holds(entry))
        {
            log.Append(entry.Sequence, entry.Message);
        }
    }

    public void MarkDelivered(in QueueEntry entry)
    {
        // Only the first delivery needs recording: after that the entry is redelivered anyway.
        if (!entry.Redelivered && Holds(entry))
        {
            log.MarkDelivered(entry.Sequence);
        }
    }

    public void Settle(in QueueEntry entry)
    {
        if (Holds(entry))
        {
            log.Settle(entry.Sequence);
        }
    }

    /// <summary>
    /// The entry to keep among <paramref name="readyCount"/> others: itself, or past the in-memory limit a
    /// stand-in without bytes (they stay in the log, where the entry already is).
    /// </summary>
    public QueueEntry Keep(QueueEntry entry, int readyCount)
    {
        if (!Holds(entry) || readyCount < log.InMemoryLimit)
        {
            return entry;
        }

        var standIn = Message.PagedOut(entry.Message);
        entry.Message.Release();
        return entry with { Message = standIn };
    }

    /// <summary>The entry with its bytes read back from the log if it was paged out.</summary>
    public QueueEntry PageIn(QueueEntry entry) =>
        entry.Message.IsPagedOut ? entry with { Message = log.Read(entry.Sequence) } : entry;
}
