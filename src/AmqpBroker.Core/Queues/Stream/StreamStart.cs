using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Queues.Stream;

/// <summary>Where a new consumer starts reading a stream, as osiris resolves an offset spec on one node.</summary>
internal static class StreamStart
{
    /// <summary>
    /// The cursor to start from and the time before which messages are skipped (a timestamp spec starts at the
    /// first message appended at or after it; the log is in time order). <c>first</c> is the oldest message
    /// held; <c>last</c> the start of the last chunk, which here is the last message (every message is its own
    /// chunk); <c>next</c> the end; a numeric offset that offset (one beyond the end waits until the stream reaches
    /// it), or the oldest held when below it (a negative one too).
    /// </summary>
    public static (StreamCursor Cursor, long SkipBefore) Find(IStreamLog log, StreamOffset offset)
    {
        var end = log.NextOffset;
        var first = log.Segments.Count > 0 ? log.Segments[0].FirstOffset : end;
        return offset.Kind switch
        {
            StreamOffsetKind.First => (log.Seek(first), long.MinValue),
            StreamOffsetKind.Last => (log.Seek(end > first ? end - 1 : end), long.MinValue),
            StreamOffsetKind.Offset => (log.Seek(Math.Max(offset.Value, first)), long.MinValue),
            StreamOffsetKind.Timestamp => FromTime(log, offset.Value),
            _ => (log.Seek(end), long.MinValue),
        };
    }

    private static (StreamCursor, long) FromTime(IStreamLog log, long timestampMs)
    {
        foreach (var segment in log.Segments)
        {
            if (segment.LastTimestamp >= timestampMs)
            {
                return (log.Seek(segment.FirstOffset), timestampMs);
            }
        }

        return (log.Seek(log.NextOffset), long.MinValue);
    }
}
