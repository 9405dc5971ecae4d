using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// Totals over all ready messages of a queue, kept up to date by the structures that hold them (each
/// priority level's in-memory ring and paged tail), so that the queue reads them without counting: how
/// many, their bytes, how many of them the queue's log keeps (persistent; a bare entry, paged out or
/// recovered, is in the log by definition) and how many are paged out, with their bytes.
/// </summary>
/// <param name="logsTransient">Whether the queue's log keeps transient messages too (a quorum queue's), so every message is persistent.</param>
internal sealed class ReadyTally(bool logsTransient = false)
{
    private int _withOwnTtl;

    public int Count { get; private set; }

    public long Bytes { get; private set; }

    public int Persistent { get; private set; }

    public long PersistentBytes { get; private set; }

    public int PagedOut { get; private set; }

    public long PagedOutBytes { get; private set; }

    /// <summary>Whether some ready message carries its own expiration, so expiry no longer follows arrival order. Read without the queue's lock.</summary>
    public bool AnyWithOwnTtl => Volatile.Read(ref _withOwnTtl) > 0;

    public static bool HasOwnTtl(in QueueEntry entry) => entry.Message.Summary.ExpirationMs != ContentSummary.NoExpiration;

    public void Add(in QueueEntry entry) => Change(entry.Message.BodySize, HasOwnTtl(entry), IsPersistent(entry), 1);

    public void Remove(in QueueEntry entry) => Change(entry.Message.BodySize, HasOwnTtl(entry), IsPersistent(entry), -1);

    /// <summary>A bare entry (paged out or recovered): in the log, so persistent.</summary>
    public void Add(int bodySize, bool hasOwnTtl) => Change(bodySize, hasOwnTtl, persistent: true, 1);

    public void Remove(int bodySize, bool hasOwnTtl) => Change(bodySize, hasOwnTtl, persistent: true, -1);

    /// <summary>An entry's bytes left memory for the log only.</summary>
    public void OnPagedOut(int bodySize)
    {
        PagedOut++;
        PagedOutBytes += bodySize;
    }

    /// <summary>A paged-out entry left the tail (read back or dropped unread).</summary>
    public void OnPagedIn(int bodySize)
    {
        PagedOut--;
        PagedOutBytes -= bodySize;
    }

    private bool IsPersistent(in QueueEntry entry) => logsTransient || entry.Message.Summary.IsPersistent;

    private void Change(int bodySize, bool hasOwnTtl, bool persistent, int sign)
    {
        Count += sign;
        Bytes += sign * bodySize;
        if (persistent)
        {
            Persistent += sign;
            PersistentBytes += sign * bodySize;
        }

        if (hasOwnTtl)
        {
            _withOwnTtl += sign;
        }
    }
}
