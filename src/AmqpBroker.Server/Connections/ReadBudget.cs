namespace AmqpBroker.Server.Connections;

/// <summary>
/// Fair scheduling of one read: a connection parses at most this many frames or bytes from what it has
/// received before it yields its thread, so that a publisher with a full socket cannot starve the writers
/// that deliver to consumers, nor other connections (LavinMQ's read loop yields the same way).
/// </summary>
internal struct ReadBudget
{
    /// <summary>About 340 small publishes (method, header and body frames).</summary>
    public const int MaxFrames = 1024;

    public const long MaxBytes = 256 * 1024;

    private int _frames;
    private long _bytes;

    public readonly bool IsSpent => _frames >= MaxFrames || _bytes >= MaxBytes;

    public void Spend(long payloadBytes)
    {
        _frames++;
        _bytes += payloadBytes;
    }
}
