using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Core.Queues.Stream;

/// <summary>
/// A stream's log for a broker that keeps nothing on disk: the same chunks, segments and retention as on disk,
/// the messages held in memory (one reference each) until their segment is dropped.
/// </summary>
internal sealed class MemoryStreamLog(long segmentSize, IStreamWriterTurns turns) : IStreamLog
{
    private readonly List<List<(long Timestamp, bool StartsChunk, Message Message)>> _segmentMessages = [];
    private readonly List<StreamSegment> _segments = [];
    private readonly StreamChunks _chunks = new(turns);
    private long _nextOffset;

    public long NextOffset => _nextOffset;

    public long LastChunk => _segments.Count > 0 ? _chunks.LastStart : _nextOffset;

    public IReadOnlyList<StreamSegment> Segments => _segments;

    public void Append(Message message, TimeProvider clock)
    {
        var startsChunk = _chunks.Opens(_nextOffset, clock);
        var timestamp = _chunks.Timestamp;
        var size = message.Properties.Length + message.BodySize;
        if (_segments.Count == 0 || _segments[^1].Bytes + size > segmentSize)
        {
            _segments.Add(new StreamSegment(_nextOffset, _nextOffset, timestamp, timestamp, size));
            _segmentMessages.Add([]);
            _chunks.StartedAt(_nextOffset);
            startsChunk = true;
        }
        else
        {
            _segments[^1] = _segments[^1] with { LastOffset = _nextOffset, LastTimestamp = timestamp, Bytes = _segments[^1].Bytes + size };
        }

        message.AddReference();
        _segmentMessages[^1].Add((timestamp, startsChunk, message));
        _nextOffset++;
    }

    public StreamCursor Seek(long offset) => new(Math.Max(offset, _segments.Count > 0 ? _segments[0].FirstOffset : _nextOffset), 0);

    public bool TryRead(ref StreamCursor cursor, out StreamRecord record)
    {
        record = default;
        var offset = Seek(cursor.Offset).Offset;
        if (offset >= _nextOffset)
        {
            return false;
        }

        var index = _segments.Count - 1;
        while (_segments[index].FirstOffset > offset)
        {
            index--;
        }

        var (timestamp, startsChunk, message) = _segmentMessages[index][(int)(offset - _segments[index].FirstOffset)];
        message.AddReference();
        record = new StreamRecord(offset, timestamp, message, startsChunk);
        cursor = new StreamCursor(offset + 1, 0);
        return true;
    }

    public bool DropOldestSegment()
    {
        if (_segments.Count < 2)
        {
            return false;
        }

        foreach (var (_, _, message) in _segmentMessages[0])
        {
            message.Release();
        }

        _segments.RemoveAt(0);
        _segmentMessages.RemoveAt(0);
        return true;
    }

    public void Dispose()
    {
        while (DropOldestSegment())
        {
        }

        foreach (var (_, _, message) in _segmentMessages.SelectMany(s => s))
        {
            message.Release();
        }

        _segmentMessages.Clear();
        _segments.Clear();
    }
}
