using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// The entries a queue keeps in its log: appended when they enter, marked on their first delivery to a
/// consumer that must ack, settled when they leave. A classic queue logs its persistent messages only; a
/// quorum queue logs every message (<paramref name="logsTransient"/>), with its properties as published. Entries
/// the log does not keep pass through untouched. The queue calls this under its own lock, so records reach
/// the log in queue order.
/// </summary>
internal sealed class DurableEntries(IQueueLog log, bool logsTransient)
{
    /// <summary>The location of an entry the log does not keep.</summary>
    public const long NotLogged = -1;

    public bool Holds(in QueueEntry entry) => logsTransient || entry.Message.Summary.IsPersistent;

    /// <summary>Where the log keeps the entry from now on, or <see cref="NotLogged"/>.</summary>
    public long Append(in QueueEntry entry) =>
        Holds(entry) ? log.Append(entry.Sequence, entry.Message, entry.ExpiresAt) : NotLogged;

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

    /// <summary>Settles a paged-out entry, which the log holds by definition.</summary>
    public void SettlePaged(long sequence) => log.Settle(sequence);
}
