namespace AmqpBroker.Storage.Messages;

/// <summary>One file of a queue's <see cref="TransientPages"/>: how far it is written, how many of its messages are still held, and what a failed write left in memory.</summary>
internal sealed class PageSegment(long number, string path)
{
    public long Number { get; } = number;

    /// <summary>The file, opened through the store's <see cref="FileHandleCache"/>; it exists once <see cref="Created"/>.</summary>
    public CachedFile File { get; } = new(path);

    public bool Created { get; set; }

    /// <summary>Where the next record goes (buffered records included).</summary>
    public long End { get; set; }

    /// <summary>Messages written into this segment and not yet released.</summary>
    public int Live { get; set; }

    /// <summary>Records a failed write could not put in the file, kept so that their messages are not lost, from <see cref="StrandedStart"/> on.</summary>
    public byte[]? Stranded { get; set; }

    public long StrandedStart { get; set; }

    /// <summary>Where a record starting at <paramref name="offset"/> is: the segment number in the high 32 bits, the offset in the low 32.</summary>
    public long LocationOf(long offset) => (Number << 32) | offset;
}
