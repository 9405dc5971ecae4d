using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Sessions;
using AmqpBroker.Core.Storage;
using AmqpBroker.Protocol.Content;

namespace AmqpBroker.Core.Queues.Stream;

/// <summary>
/// One consumer's independent read of a stream: its place in the log, its filter, and the next delivery it
/// prepared but had no credit for. Each delivery is the stored message with the <c>x-stream-offset</c> header
/// (a long) added, as RabbitMQ adds it. Guarded by the stream's lock.
/// </summary>
internal sealed class StreamSubscription(Consumer consumer, StreamCursor start, long skipBeforeTimestamp, StreamFilter? filter)
{
    private StreamCursor _cursor = start;
    private long _skipBeforeTimestamp = skipBeforeTimestamp;
    private QueueEntry? _pending;

    // Whether the chunk being read passed the filter; every message of it is then delivered.
    private bool _inMatchingChunk;

    public Consumer Consumer => consumer;

    /// <summary>Delivers from the log for as long as the consumer takes deliveries.</summary>
    public void Deliver(IStreamLog log)
    {
        while (_pending is { } entry || TryPrepare(log, out entry))
        {
            if (!consumer.Session.TryDeliver(consumer, entry))
            {
                _pending = entry;
                return;
            }

            _pending = null;
        }
    }

    /// <summary>Lets go of a prepared delivery (the consumer or the stream is gone).</summary>
    public void Release()
    {
        _pending?.Message.Release();
        _pending = null;
    }

    /// <summary>
    /// Reads on to the next message for this consumer: skipping those before its start time, and with a filter
    /// the chunks it does not match (the first message read decides for the rest of a chunk started mid-way).
    /// </summary>
    private bool TryPrepare(IStreamLog log, out QueueEntry entry)
    {
        entry = default;
        while (log.TryRead(ref _cursor, out var record))
        {
            if (record.Timestamp < _skipBeforeTimestamp)
            {
                record.Message.Release();
                continue;
            }

            _skipBeforeTimestamp = long.MinValue;
            var properties = BasicProperties.Decode(record.Message.Properties);
            if (filter is not null && (record.StartsChunk || !_inMatchingChunk))
            {
                _inMatchingChunk = filter.Matches(properties) || RestOfChunkMatches(log, filter);
            }

            if (filter is not null && !_inMatchingChunk)
            {
                record.Message.Release();
                continue;
            }

            entry = new QueueEntry(WithOffsetHeader(record, properties), record.Offset, Redelivered: false);
            return true;
        }

        return false;
    }

    /// <summary>
    /// Whether a message after the one just read in its chunk passes the filter, reading ahead to the chunk's end
    /// (or the log's, while the chunk is still filled). When none does, the cursor moves past them all.
    /// </summary>
    private bool RestOfChunkMatches(IStreamLog log, StreamFilter filter)
    {
        var ahead = _cursor;
        var chunkEnd = _cursor;
        while (log.TryRead(ref ahead, out var next))
        {
            var matches = !next.StartsChunk && filter.Matches(BasicProperties.Decode(next.Message.Properties));
            next.Message.Release();
            if (matches)
            {
                return true;
            }

            if (next.StartsChunk)
            {
                break;
            }

            chunkEnd = ahead;
        }

        _cursor = chunkEnd;
        return false;
    }

    private static Message WithOffsetHeader(in StreamRecord record, BasicProperties properties)
    {
        var headers = properties.Headers is null ? new Dictionary<string, object?>(1) : new Dictionary<string, object?>(properties.Headers);
        headers[StreamOffset.Argument] = record.Offset;
        properties.Headers = headers;
        var stamped = Message.Create(record.Message.Exchange, record.Message.RoutingKey, properties.Encode(), record.Message.Body);
        record.Message.Release();
        return stamped;
    }
}
