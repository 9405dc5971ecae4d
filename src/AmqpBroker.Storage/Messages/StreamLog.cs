using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Storage.Messages;

/// <summary>
/// A stream's <see cref="IStreamLog"/> on a <see cref="SegmentLog"/> of its own: each message is a publish
/// record whose id is its offset and whose time field holds when it was appended (a stream's messages never
/// expire one by one, so a stream's log has no other use for it). Records reach the disk through the store's
/// group committer like a queue's (<see cref="QueueLog"/>); retention deletes whole segment files. Besides the
/// log only one summary per segment stays in memory; readers read the records back from the files.
/// </summary>
internal sealed class StreamLog : IStreamLog
{
    private readonly SegmentLog _log;
    private readonly QueueLog _queueLog;
    private readonly List<StreamSegment> _segments = [];
    private readonly List<long> _segmentNumbers = [];
    private long _lastLocation = LogSegment.Nowhere;

    public StreamLog(SegmentLog log, QueueLog queueLog, IReadOnlyList<RecoveredEntry> recovered)
    {
        _log = log;
        _queueLog = queueLog;
        NextOffset = log.NextId;
        var lengths = log.SegmentLengths.ToDictionary(s => s.Number, s => s.Length);
        foreach (var entry in recovered)
        {
            Add(entry.Id, entry.Location, entry.ExpiresAt, lengths[LogSegment.Split(entry.Location).Number]);
        }
    }

    public long NextOffset { get; private set; }

    public IReadOnlyList<StreamSegment> Segments => _segments;

    public void Append(Message message, long timestampMs)
    {
        var location = _queueLog.Append(NextOffset, message, timestampMs);
        Add(NextOffset, location, timestampMs, LogSegment.Split(location).Offset + LogRecord.HeaderSize + PublishRecord.PayloadSize(message));
        NextOffset++;
    }

    public StreamCursor Seek(long offset)
    {
        if (offset >= NextOffset)
        {
            return new StreamCursor(NextOffset, _log.EndLocation);
        }

        if (offset == NextOffset - 1)
        {
            return new StreamCursor(offset, _lastLocation);
        }

        var index = _segments.Count - 1;
        while (index > 0 && _segments[index].FirstOffset > offset)
        {
            index--;
        }

        // From the start of the segment that holds the offset; TryRead skips what comes before it.
        return new StreamCursor(offset, index < 0 ? LogSegment.Nowhere : _log.StartOf(_segmentNumbers[index]));
    }

    public bool TryRead(ref StreamCursor cursor, out StreamRecord record)
    {
        record = default;
        var location = cursor.Location;
        if (!_log.TryReadNext(ref location, cursor.Offset, out var offset, out var timestamp, out var message))
        {
            // Records skipped on the way stay skipped.
            cursor = cursor with { Location = location };
            return false;
        }

        cursor = new StreamCursor(offset + 1, location);
        record = new StreamRecord(offset, timestamp, message!);
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

    /// <summary>Counts a record into the summary of its segment (<paramref name="segmentEnd"/>: the segment's size up to and with it).</summary>
    private void Add(long offset, long location, long timestamp, long segmentEnd)
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

        _lastLocation = location;
    }
}
