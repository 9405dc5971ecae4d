using System.Runtime.InteropServices;

namespace AmqpBroker.Storage.Messages;

/// <summary>
/// One segment file of a <see cref="SegmentLog"/>: its number and path, the range of ids published into it
/// and how many of those are not settled yet, and a handle for reading records back.
/// </summary>
internal sealed class LogSegment(long number, string path)
{
    private Microsoft.Win32.SafeHandles.SafeFileHandle? _readHandle;

    public long Number { get; } = number;

    public string Path { get; } = path;

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

    /// <summary>A handle for reading records back (paged-out messages), opened on first use.</summary>
    public Microsoft.Win32.SafeHandles.SafeFileHandle OpenForRead() =>
        _readHandle ??= File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

    public void CloseForRead()
    {
        _readHandle?.Dispose();
        _readHandle = null;
    }

    /// <summary>Where a record starting at <paramref name="offset"/> in this segment is: the segment number in the high 32 bits, the offset in the low 32.</summary>
    public long LocationOf(long offset) => (Number << 32) | offset;

    public static (long Number, uint Offset) Split(long location) => (location >> 32, (uint)location);

    /// <summary>The segment numbered <paramref name="number"/> among <paramref name="segments"/>, which are in number order.</summary>
    public static LogSegment? Find(List<LogSegment> segments, long number)
    {
        var index = CollectionsMarshal.AsSpan(segments).BinarySearch(new NumberKey(number));
        return index >= 0 ? segments[index] : null;
    }

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
