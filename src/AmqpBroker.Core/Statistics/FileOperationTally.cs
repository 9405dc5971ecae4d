using System.Diagnostics;

namespace AmqpBroker.Core.Statistics;

/// <summary>
/// One kind of file operation counted since start: how many, their bytes, and the time they took. Each update
/// is an interlocked add, so operations on any thread count without a lock.
/// </summary>
internal struct FileOperationTally
{
    private long _operations;
    private long _bytes;
    private long _ticks;

    public long Operations => Volatile.Read(ref _operations);

    public long Bytes => Volatile.Read(ref _bytes);

    public double Seconds => (double)Volatile.Read(ref _ticks) / Stopwatch.Frequency;

    /// <summary>One operation of <paramref name="bytes"/> that began at <paramref name="startTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public void Count(long bytes, long startTimestamp)
    {
        Interlocked.Increment(ref _operations);
        Interlocked.Add(ref _bytes, bytes);
        Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - startTimestamp);
    }
}
