using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// Totals over all ready messages of a queue, kept up to date by the structures that hold them (each
/// priority level's in-memory ring and paged tail), so that the queue reads them without counting.
/// </summary>
internal sealed class ReadyTally
{
    private int _withOwnTtl;

    public int Count { get; private set; }

    public long Bytes { get; private set; }

    /// <summary>Whether some ready message carries its own expiration, so expiry no longer follows arrival order. Read without the queue's lock.</summary>
    public bool AnyWithOwnTtl => Volatile.Read(ref _withOwnTtl) > 0;

    public static bool HasOwnTtl(in QueueEntry entry) => entry.Message.Summary.ExpirationMs != ContentSummary.NoExpiration;

    public void Add(in QueueEntry entry) => Add(entry.Message.BodySize, HasOwnTtl(entry));

    public void Remove(in QueueEntry entry) => Remove(entry.Message.BodySize, HasOwnTtl(entry));

    public void Add(int bodySize, bool hasOwnTtl)
    {
        Count++;
        Bytes += bodySize;
        if (hasOwnTtl)
        {
            _withOwnTtl++;
        }
    }

    public void Remove(int bodySize, bool hasOwnTtl)
    {
        Count--;
        Bytes -= bodySize;
        if (hasOwnTtl)
        {
            _withOwnTtl--;
        }
    }
}
