using System.Buffers;
using System.Buffers.Binary;
using AmqpBroker.Core.Messages;

namespace AmqpBroker.Storage.Messages;

/// <summary>
/// Reading a log back while it is written: one message where the queue's index says it is, or (a stream's
/// readers) record after record from a location on, across segment boundaries. A record still in the append
/// buffer is read from there, others through the store's <see cref="FileHandleCache"/>.
/// </summary>
internal sealed partial class SegmentLog
{
    /// <summary>Reads back the message at <paramref name="location"/>, which must not be settled yet.</summary>
    public Message Read(long location)
    {
        var (number, offset) = LogSegment.Split(location);
        lock (_appendLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var segment = LogSegment.Find(_segments, number)
                ?? throw new InvalidOperationException($"segment {number} is gone: the message was settled before it was read back");
            return ReadLocked(segment, offset, out _, out _, out _, out _);
        }
    }

    /// <summary>Where the records of the segment numbered <paramref name="number"/> start (<see cref="LogSegment.Nowhere"/> once it is gone).</summary>
    public long StartOf(long number)
    {
        lock (_appendLock)
        {
            return LogSegment.Find(_segments, number) is { } segment ? segment.LocationOf(SegmentFormat.RecordsStart(segment.Version)) : LogSegment.Nowhere;
        }
    }

    /// <summary>Where the next record will be appended; <see cref="LogSegment.Nowhere"/> before the first.</summary>
    public long EndLocation
    {
        get
        {
            lock (_appendLock)
            {
                return _writer.Segment is { } segment ? segment.LocationOf(_writer.End) : LogSegment.Nowhere;
            }
        }
    }

    /// <summary>The number and size in bytes of every segment, oldest first.</summary>
    public IReadOnlyList<(long Number, long Length)> SegmentLengths
    {
        get
        {
            lock (_appendLock)
            {
                return [.. _segments.Select(s => (s.Number, ReferenceEquals(s, _writer.Segment) ? _writer.End : s.Length))];
            }
        }
    }

    /// <summary>
    /// Reads the first publish record with an id of at least <paramref name="fromId"/> from <paramref name="location"/>
    /// on (past the end of a segment: on in the next one; in a segment that is gone: from the oldest one) and moves
    /// <paramref name="location"/> past it. Records below <paramref name="fromId"/> are skipped by their headers,
    /// without reading their messages. <paramref name="kind"/> tells a stream's chunk start from other messages.
    /// False at the end of the log.
    /// </summary>
    public bool TryReadNext(ref long location, long fromId, out long id, out long time, out LogRecordKind kind, out Message? message)
    {
        (id, time, kind, message) = (0, 0, default, null);
        lock (_appendLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var (number, offset) = LogSegment.Split(location);
            var index = LogSegment.IndexOf(_segments, number);
            if (index < 0 && _segments.Count > 0)
            {
                // The log was empty, or retention dropped the segment the reader was in: on at the oldest one left.
                (index, offset) = (0, (uint)SegmentFormat.RecordsStart(_segments[0].Version));
            }

            while (index >= 0 && index < _segments.Count)
            {
                var segment = _segments[index];
                var end = ReferenceEquals(segment, _writer.Segment) ? _writer.End : segment.Length;
                if (offset >= end)
                {
                    if (++index < _segments.Count)
                    {
                        offset = (uint)SegmentFormat.RecordsStart(_segments[index].Version);
                    }

                    continue;
                }

                if (PeekLocked(segment, offset, out var skipped) < fromId)
                {
                    offset += (uint)skipped;
                    location = segment.LocationOf(offset);
                    continue;
                }

                message = ReadLocked(segment, offset, out id, out time, out var size, out kind);
                location = segment.LocationOf(offset + size);
                return true;
            }

            return false;
        }
    }

    /// <summary>The id of the publish record at <paramref name="offset"/> of <paramref name="segment"/>, from its first bytes, and its size with header.</summary>
    private long PeekLocked(LogSegment segment, long offset, out int size)
    {
        const int Prefix = LogRecord.HeaderSize + sizeof(long);
        Span<byte> start = stackalloc byte[Prefix];
        if (_writer.TryGetBuffered(segment, offset, out var buffered))
        {
            buffered[..Prefix].CopyTo(start);
        }
        else
        {
            var file = _environment.Cache.Acquire(segment.File);
            try
            {
                file.Read(start, offset);
            }
            finally
            {
                _environment.Cache.Release(segment.File);
            }
        }

        size = LogRecord.HeaderSize + BinaryPrimitives.ReadInt32LittleEndian(start);
        return BinaryPrimitives.ReadInt64LittleEndian(start[LogRecord.HeaderSize..]);
    }

    /// <summary>The message record at <paramref name="offset"/> of <paramref name="segment"/>: its message, id, time field, size with header and kind.</summary>
    private Message ReadLocked(LogSegment segment, long offset, out long id, out long time, out int size, out LogRecordKind kind)
    {
        _environment.Counters?.OnMessageRead();
        if (_writer.TryGetBuffered(segment, offset, out var buffered))
        {
            return ParseRecord(buffered, offset, segment.Number, out id, out time, out size, out kind);
        }

        var file = _environment.Cache.Acquire(segment.File);
        try
        {
            Span<byte> header = stackalloc byte[LogRecord.HeaderSize];
            file.Read(header, offset);
            var end = ReferenceEquals(segment, _writer.Segment) ? _writer.End : segment.Length;
            var length = RecordLength.Checked(BinaryPrimitives.ReadInt32LittleEndian(header), LogRecord.HeaderSize, end - offset, offset);
            var record = ArrayPool<byte>.Shared.Rent(LogRecord.HeaderSize + length);
            try
            {
                file.Read(record.AsSpan(0, LogRecord.HeaderSize + length), offset);
                return ParseRecord(record, offset, segment.Number, out id, out time, out size, out kind);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(record);
            }
        }
        finally
        {
            _environment.Cache.Release(segment.File);
        }
    }

    private static Message ParseRecord(ReadOnlySpan<byte> record, long offset, long number, out long id, out long time, out int size, out LogRecordKind kind)
    {
        kind = LogRecord.KindOf(record);
        var length = RecordLength.Checked(BinaryPrimitives.ReadInt32LittleEndian(record), LogRecord.HeaderSize, record.Length, offset);
        if (!PublishRecord.TryParse(record.Slice(LogRecord.HeaderSize, length), out var parsed))
        {
            throw new InvalidDataException($"no publish record at offset {offset} of segment {number}");
        }

        (id, time, size) = (parsed.Id, parsed.ExpiresAt, LogRecord.HeaderSize + length);
        return parsed.ToMessage();
    }
}
