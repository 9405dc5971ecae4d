using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Queues.Stream;

/// <summary>Where a new consumer starts reading a stream, as osiris resolves an offset spec on one node.</summary>
internal static class StreamStart
{
    /// <summary>
    /// The cursor to start from and the time before which messages are skipped. As RabbitMQ's reader, every spec
    /// but a numeric offset starts at a chunk boundary and so delivers whole chunks: <c>first</c> the oldest chunk
    /// held; <c>last</c> the start of the last chunk; a timestamp the first chunk stamped at or after it (a chunk's
    /// messages share its time, and the log is in time order, so that chunk starts with the first message not
    /// skipped); <c>next</c> the end. A numeric offset starts exactly there, skipping the messages before it in its
    /// chunk (rabbit_stream_queue drops entries below the start offset); one beyond the end waits until the stream
    /// reaches it, one below the oldest held (a negative one too) starts at the oldest.
    /// </summary>
    public static (StreamCursor Cursor, long SkipBefore) Find(IStreamLog log, StreamOffset offset)
    {
        var end = log.NextOffset;
        var first = log.Segments.Count > 0 ? log.Segments[0].FirstOffset : end;
        return offset.Kind switch
        {
            StreamOffsetKind.First => (log.Seek(first), long.MinValue),
            StreamOffsetKind.Last => (log.Seek(log.LastChunk), long.MinValue),
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
