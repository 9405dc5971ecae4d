namespace AmqpBroker.Core.Queues;

/// <summary>
/// x-expires: when a queue was last used (a consumer added or removed, basic.get, a redeclare or passive
/// declare, a policy change) and whether it has gone unused for longer than its limit, on the broker's clock.
/// Lock-free: any thread may mark use.
/// </summary>
internal sealed class QueueUsage
{
    private readonly TimeProvider _time;
    private long _lastUsedMs;

    public QueueUsage(TimeProvider time)
    {
        _time = time;
        MarkUsed();
    }

    public void MarkUsed() => Volatile.Write(ref _lastUsedMs, NowMs);

    /// <summary>Whether no use was marked for <paramref name="expiresMs"/> milliseconds or more.</summary>
    public bool IsUnusedFor(long expiresMs) => NowMs - Volatile.Read(ref _lastUsedMs) >= expiresMs;

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
