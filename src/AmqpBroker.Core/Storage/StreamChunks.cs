namespace AmqpBroker.Core.Storage;

/// <summary>
/// Where a stream's log is in its chunks as it is appended to: a chunk opens with the first append after the
/// writer took a turn (or when a new segment starts, so no chunk spans segments) and is stamped with the time it
/// opened, which every message in it shares. Deciding costs one read of the turn count per append. Guarded by the
/// stream's lock.
/// </summary>
public sealed class StreamChunks(IStreamWriterTurns turns)
{
    // The turn count when the current chunk opened; none is open before the first append.
    private long _openedAtTurn = -1;

    /// <summary>The first offset of the last chunk.</summary>
    public long LastStart { get; private set; }

    /// <summary>The time the last chunk opened (Unix milliseconds), which its messages carry.</summary>
    public long Timestamp { get; private set; }

    /// <summary>
    /// Whether the message appended now as <paramref name="offset"/> opens a chunk: the first append after the
    /// writer took a turn does, stamping the chunk with <paramref name="clock"/>'s time (read only then: most
    /// appends join an open chunk).
    /// </summary>
    public bool Opens(long offset, TimeProvider clock)
    {
        var taken = turns.Taken;
        if (taken == _openedAtTurn)
        {
            return false;
        }

        _openedAtTurn = taken;
        Timestamp = clock.GetUtcNow().ToUnixTimeMilliseconds();
        LastStart = offset;
        turns.Request();
        return true;
    }

    /// <summary>
    /// A chunk starts at <paramref name="offset"/> within the writer's turn (a new segment: it keeps the time of
    /// the chunk before it), or was found there when the log was read back (appends after that open a new one).
    /// </summary>
    public void StartedAt(long offset) => LastStart = offset;
}
