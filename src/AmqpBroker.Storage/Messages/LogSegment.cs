using System.Runtime.InteropServices;

namespace AmqpBroker.Storage.Messages;

/// <summary>
/// One segment file of a <see cref="SegmentLog"/>: its number, format version and file, the range of ids
/// published into it and how many of those are not settled yet.
/// </summary>
internal sealed class LogSegment(long number, string path, uint version)
{
    public long Number { get; } = number;

    public string Path => File.Path;

    /// <summary>The format it is written in (<see cref="SegmentFormat"/>); only a segment of the current one is appended to.</summary>
    public uint Version { get; set; } = version;

    /// <summary>The file, opened through the store's <see cref="FileHandleCache"/>.</summary>
    public CachedFile File { get; } = new(path);

    /// <summary>Bytes in the file (as recovered; the log tracks the segment it appends to itself).</summary>
    public long Length { get; set; }

    /// <summary>Written to since its last fsync (guarded by the log's append lock).</summary>
    public bool Unsynced { get; set; }

    /// <summary>Messages published into this segment and not yet settled.</summary>
    public int Live { get; set; }

    public bool HasPublished { get; private set; }

    /// <summary>The lowest and highest id published into this segment (when <see cref="HasPublished"/>).</summary>
    public long FirstId { get; private set; }

    public long LastId { get; private set; }

    public void AddPublished(long id)
    {
        FirstId = HasPublished ? FirstId : id;
        LastId = id;
        HasPublished = true;
        Live++;
    }

    /// <summary>Where a record starting at <paramref name="offset"/> in this segment is: the segment number in the high 32 bits, the offset in the low 32.</summary>
    public long LocationOf(long offset) => (Number << 32) | offset;

    public static (long Number, uint Offset) Split(long location) => (location >> 32, (uint)location);

    /// <summary>A location in no segment: where a reader of a log that is still empty starts.</summary>
    public const long Nowhere = -1;

    /// <summary>The segment numbered <paramref name="number"/> among <paramref name="segments"/>, which are in number order.</summary>
    public static LogSegment? Find(List<LogSegment> segments, long number)
    {
        var index = IndexOf(segments, number);
        return index >= 0 ? segments[index] : null;
    }

    /// <summary>The index of the segment numbered <paramref name="number"/>, or a negative number when it is not there.</summary>
    public static int IndexOf(List<LogSegment> segments, long number) =>
        CollectionsMarshal.AsSpan(segments).BinarySearch(new NumberKey(number));

    /// <summary>The segment <paramref name="id"/> was published into, if it is still there: ids grow from segment to segment.</summary>
    public static LogSegment? PublishedIn(List<LogSegment> segments, long id)
    {
        foreach (var segment in segments)
        {
            if (segment.HasPublished && id <= segment.LastId)
            {
                return id >= segment.FirstId ? segment : null;
            }
        }

        return null;
    }

    private readonly struct NumberKey(long number) : IComparable<LogSegment>
    {
        public int CompareTo(LogSegment? other) => number.CompareTo(other!.Number);
    }
}
