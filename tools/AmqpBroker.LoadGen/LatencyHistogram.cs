using System.Numerics;

namespace AmqpBroker.LoadGen;

/// <summary>
/// Log-linear histogram of microsecond values with a fixed, preallocated bucket array, so recording never allocates.
/// Values below 128 are exact; above that each power of two is split into 64 buckets (about 1.6% resolution).
/// Single writer; read it only after the writer has stopped.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int ExactLimit = 128;
    private const int SubBuckets = 64;
    private const int SubBucketBits = 6;

    // Exact buckets, then 64 buckets for each magnitude from 2^7 up to 2^62.
    private readonly long[] _counts = new long[ExactLimit + ((63 - 7) * SubBuckets)];

    public long Count { get; private set; }

    public long Max { get; private set; }

    public void Record(long micros)
    {
        if (micros < 0)
        {
            return;
        }
        _counts[IndexOf(micros)]++;
        Count++;
        if (micros > Max)
        {
            Max = micros;
        }
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }
        Count += other.Count;
        Max = Math.Max(Max, other.Max);
    }

    /// <summary>The highest value of the bucket holding the given quantile (0..1), capped at the exact maximum.</summary>
    public long Percentile(double quantile)
    {
        if (Count == 0)
        {
            return 0;
        }
        var rank = Math.Max(1, (long)Math.Ceiling(quantile * Count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(UpperBoundOf(i), Max);
            }
        }
        return Max;
    }

    private static int IndexOf(long value)
    {
        if (value < ExactLimit)
        {
            return (int)value;
        }
        var magnitude = 63 - BitOperations.LeadingZeroCount((ulong)value);
        var shift = magnitude - SubBucketBits;
        var sub = (int)(value >> shift) - SubBuckets;
        return ExactLimit + ((magnitude - 7) * SubBuckets) + sub;
    }

    private static long UpperBoundOf(int index)
    {
        if (index < ExactLimit)
        {
            return index;
        }
        var magnitude = ((index - ExactLimit) / SubBuckets) + 7;
        var top = ((index - ExactLimit) % SubBuckets) + SubBuckets;
        var shift = magnitude - SubBucketBits;
        return ((long)(top + 1) << shift) - 1;
    }
}
