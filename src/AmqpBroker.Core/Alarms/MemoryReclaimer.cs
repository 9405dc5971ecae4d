namespace AmqpBroker.Core.Alarms;

/// <summary>
/// Gives memory back after a large backlog is gone. An idle broker allocates too little for the GC to run a full
/// collection by itself, so the dead messages of a drained or deleted backlog would keep the process's resident
/// memory at its peak. Once a second it weighs what the queues hold; when that has fallen by
/// <see cref="ReleasedThreshold"/> from its peak, it runs one full collection that compacts the heap and
/// decommits the free memory. The threshold is also the rate limit: another collection needs as large a release.
/// </summary>
/// <param name="queuedWeight">What the queues hold now, in bytes (see <see cref="Weigh"/>).</param>
/// <param name="collect">The collection; <see cref="CollectAggressively"/> outside tests.</param>
public sealed class MemoryReclaimer(Func<long> queuedWeight, Action collect)
{
    public const long ReleasedThreshold = 256L * 1024 * 1024;

    /// <summary>
    /// A backlog drained by consumers falls below the threshold between two checks, so the last 256 MiB or less of it
    /// would stay behind: once the queues are this close to empty, a release of <see cref="EmptiedRelease"/> collects too.
    /// </summary>
    public const long EmptyWeight = 16L * 1024 * 1024;

    /// <summary>The release that collects once the queues are (nearly) empty.</summary>
    public const long EmptiedRelease = 64L * 1024 * 1024;

    /// <summary>What a queued message costs beyond its properties and body (issue 15 measured 171–216 B for a 16-byte message).</summary>
    public const long PerMessageOverhead = 160;

    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private long _peak;
    private DateTimeOffset _nextCheck = DateTimeOffset.MinValue;

    /// <summary>The weight of <paramref name="messages"/> messages of <paramref name="bytes"/> bytes in all.</summary>
    public static long Weigh(long messages, long bytes) => bytes + (messages * PerMessageOverhead);

    /// <summary>A blocking, compacting full collection that returns free memory to the operating system.</summary>
    public static void CollectAggressively() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    /// <summary>The broker scheduler's tick; checks once per <see cref="CheckInterval"/>.</summary>
    public void OnTick(DateTimeOffset now)
    {
        if (now < _nextCheck)
        {
            return;
        }

        _nextCheck = now + CheckInterval;
        var queued = queuedWeight();
        if (queued >= _peak)
        {
            _peak = queued;
        }
        else if (_peak - queued >= ReleasedThreshold || (queued <= EmptyWeight && _peak - queued >= EmptiedRelease))
        {
            _peak = queued;
            collect();
        }
    }
}
