using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Storage.Messages;

/// <summary>
/// A stream's <see cref="IStreamLog"/> on a <see cref="SegmentLog"/> of its own: each message is a publish
/// record whose id is its offset and whose time field holds its chunk's time (a stream's messages never expire
/// one by one, so a stream's log has no other use for it); the first message of a chunk is a
/// <see cref="LogRecordKind.ChunkStart"/> record, so a restart finds the chunks again. Records reach the disk
/// through the store's group committer like a queue's (<see cref="QueueLog"/>), and each of its writes ends the
/// chunk being filled, as osiris's writer turns do. Retention deletes whole segment files. Besides the log only
/// one summary per segment and where the last chunk starts stay in memory; readers read the records back from
/// the files.
/// </summary>
internal sealed class StreamLog : IStreamLog
{
    private readonly SegmentLog _log;
    private readonly QueueLog _queueLog;
    private readonly StreamChunks _chunks;
    private readonly List<StreamSegment> _segments = [];
    private readonly List<long> _segmentNumbers = [];
    private long _lastChunkLocation = LogSegment.Nowhere;

    /// <summary>Opens the log over what it recovered; chunks end with the committer's writes of <paramref name="queueLog"/>, or with <paramref name="turns"/> when a test drives them.</summary>
    public StreamLog(SegmentLog log, QueueLog queueLog, IReadOnlyList<RecoveredEntry> recovered, IStreamWriterTurns? turns = null)
    {
        _log = log;
        _queueLog = queueLog;
        _chunks = new StreamChunks(turns ?? queueLog);
        NextOffset = log.NextId;
        var lengths = log.SegmentLengths.ToDictionary(s => s.Number, s => s.Length);
        foreach (var entry in recovered)
        {
            Add(entry.Id, entry.Location, entry.ExpiresAt, lengths[LogSegment.Split(entry.Location).Number], entry.StartsChunk);
        }
    }

    public long NextOffset { get; private set; }

    public long LastChunk => _lastChunkLocation == LogSegment.Nowhere ? NextOffset : _chunks.LastStart;

    public IReadOnlyList<StreamSegment> Segments => _segments;

    public void Append(Message message, TimeProvider clock)
    {
        var startsChunk = _chunks.Opens(NextOffset, clock);
        var location = _queueLog.AppendStreamEntry(NextOffset, message, _chunks.Timestamp, ref startsChunk);
        Add(NextOffset, location, _chunks.Timestamp, LogSegment.Split(location).Offset + LogRecord.HeaderSize + PublishRecord.PayloadSize(message), startsChunk);
        NextOffset++;
    }

    public StreamCursor Seek(long offset)
    {
        if (offset >= NextOffset)
        {
            // The offset itself, not the end: reading skips what is appended before it (an offset beyond the end waits for it).
            return new StreamCursor(offset, _log.EndLocation);
        }

        // From the start of the last chunk or of the segment that holds the offset; TryRead skips what comes before it.
        if (offset >= _chunks.LastStart && _lastChunkLocation != LogSegment.Nowhere)
        {
            return new StreamCursor(offset, _lastChunkLocation);
        }

        var index = _segments.Count - 1;
        while (index > 0 && _segments[index].FirstOffset > offset)
        {
            index--;
        }

        return new StreamCursor(offset, index < 0 ? LogSegment.Nowhere : _log.StartOf(_segmentNumbers[index]));
    }

    public bool TryRead(ref StreamCursor cursor, out StreamRecord record)
    {
        record = default;
        var location = cursor.Location;
        if (!_log.TryReadNext(ref location, cursor.Offset, out var offset, out var timestamp, out var kind, out var message))
        {
            // Records skipped on the way stay skipped.
            cursor = cursor with { Location = location };
            return false;
        }

        cursor = new StreamCursor(offset + 1, location);
        record = new StreamRecord(offset, timestamp, message!, kind == LogRecordKind.ChunkStart);
        return true;
    }

    public bool DropOldestSegment()
    {
        if (!_log.DropOldestSegment())
        {
            return false;
        }

        _segments.RemoveAt(0);
        _segmentNumbers.RemoveAt(0);
        return true;
    }

    /// <summary>The stream was deleted: its files go (the store removes them), and nothing buffered needs writing.</summary>
    public void Dispose() => _log.Close();

    /// <summary>Counts a record into the summary of its segment (<paramref name="segmentEnd"/>: the segment's size up to and with it) and of the last chunk.</summary>
    private void Add(long offset, long location, long timestamp, long segmentEnd, bool startsChunk)
    {
        var number = LogSegment.Split(location).Number;
        if (_segmentNumbers.Count == 0 || _segmentNumbers[^1] != number)
        {
            _segments.Add(new StreamSegment(offset, offset, timestamp, timestamp, segmentEnd));
            _segmentNumbers.Add(number);
        }
        else
        {
            _segments[^1] = _segments[^1] with { LastOffset = offset, LastTimestamp = timestamp, Bytes = segmentEnd };
        }

        if (startsChunk)
        {
            _chunks.StartedAt(offset);
            _lastChunkLocation = location;
        }
    }
}
