using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Queues.Stream;

/// <summary>
/// A stream's retention (osiris's max_bytes and max_age): whole segments go from the oldest on while the stream
/// is over x-max-length-bytes, or while the newest message of the oldest segment is older than x-max-age; the
/// segment being appended to always stays. RabbitMQ evaluates it when a segment fills up; here also when the
/// limits change (a policy).
/// </summary>
internal static class StreamRetention
{
    public static void Apply(IStreamLog log, QueueArguments arguments, long nowMs)
    {
        if (arguments.MaxLengthBytes is { } maxBytes)
        {
            var total = 0L;
            foreach (var segment in log.Segments)
            {
                total += segment.Bytes;
            }

            while (total > maxBytes && log.Segments.Count > 1)
            {
                total -= log.Segments[0].Bytes;
                log.DropOldestSegment();
            }
        }

        if (arguments.MaxAgeMs is { } maxAge)
        {
            while (log.Segments.Count > 1 && log.Segments[0].LastTimestamp < nowMs - maxAge)
            {
                log.DropOldestSegment();
            }
        }
    }
}
