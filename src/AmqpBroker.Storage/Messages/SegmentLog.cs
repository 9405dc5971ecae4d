using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Storage.Messages;

/// <summary>
/// The append-only log of one durable queue: numbered segment files that roll over at a fixed size. Ids
/// only grow, so each segment holds a range of them, and a settle finds its segment without any per-message
/// map; the queue keeps a message's location (segment number and offset) to read it back. A segment goes
/// (and its disk space with it) once every message published into it is settled and every older segment
/// is gone — only then can no later settle record refer to it. Appends are buffered; <see cref="Sync"/>
/// makes everything appended before it durable, and appends may continue while it runs.
/// </summary>
public sealed class SegmentLog : IDisposable
{
    public const long DefaultSegmentSize = 64L * 1024 * 1024;

    private const string Extension = ".seg";

    private readonly string _directory;
    private readonly long _segmentSize;
    private readonly Lock _appendLock = new();
    private readonly Lock _syncLock = new();
    private readonly List<LogSegment> _segments;
    private long _lastId;
    private FileStream _stream;
    private bool _disposed;

    private SegmentLog(string directory, long segmentSize, List<LogSegment> segments, long lastId)
    {
        _directory = directory;
        _segmentSize = segmentSize;
        _segments = segments;
        _lastId = lastId;
        if (_segments.Count == 0)
        {
            _segments.Add(new LogSegment(1, SegmentPath(directory, 1)));
        }

        _stream = OpenForAppend(_segments[^1].Path);
    }

    /// <summary>Above every id published into this log, settled or not.</summary>
    public long NextId
    {
        get
        {
            lock (_appendLock)
            {
                return _lastId + 1;
            }
        }
    }

    /// <summary>The segment files currently on disk, oldest first.</summary>
    public IReadOnlyList<string> SegmentFiles
    {
        get
        {
            lock (_appendLock)
            {
                return [.. _segments.Select(s => s.Path)];
            }
        }
    }

    /// <summary>
    /// Opens the log in <paramref name="directory"/> and lists every message not yet settled, in publish
    /// order, without keeping any in memory. A torn or damaged record (short, failing its CRC, or out of id
    /// order) is cut off with everything after it in its segment.
    /// </summary>
    public static SegmentLog Open(string directory, out IReadOnlyList<RecoveredEntry> recovered, long segmentSize = DefaultSegmentSize)
    {
        // A location keeps the offset in 32 bits.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(segmentSize, uint.MaxValue);
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory);
            DirectorySync.Flush(Path.GetDirectoryName(Path.GetFullPath(directory))!);
        }

        var segments = Directory.GetFiles(directory, "*" + Extension)
            .Select(path => (Path: path, Number: long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1))
            .Where(s => s.Number > 0)
            .OrderBy(s => s.Number)
            .Select(s => new LogSegment(s.Number, s.Path))
            .ToList();

        var replay = new LogReplay(segments);
        foreach (var segment in segments)
        {
            replay.Read(segment);
        }

        var log = new SegmentLog(directory, segmentSize, segments, replay.LastId);
        log.DeleteSettledSegmentsLocked();
        recovered = replay.Unsettled();
        return log;
    }

    /// <summary>Removes a deleted queue's log and its files.</summary>
    public static void Destroy(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Appends a published message as <paramref name="id"/>, which must be above every id before it, and
    /// returns its location for <see cref="Read"/>.
    /// </summary>
    public long AppendPublish(long id, Message message, long expiresAt = QueueEntry.Never)
    {
        var payloadSize = PublishRecord.PayloadSize(message);
        var buffer = ArrayPool<byte>.Shared.Rent(LogRecord.HeaderSize + payloadSize);
        try
        {
            PublishRecord.Write(buffer.AsSpan(LogRecord.HeaderSize, payloadSize), id, expiresAt, message);
            lock (_appendLock)
            {
                ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(id, _lastId);
                var (segment, offset) = WriteRecord(LogRecordKind.Publish, buffer.AsSpan(0, LogRecord.HeaderSize + payloadSize));
                segment.AddPublished(id);
                _lastId = id;
                return segment.LocationOf(offset);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void AppendDelivered(long id) => AppendMarker(LogRecordKind.Delivered, id);

    /// <summary>Reads back the message at <paramref name="location"/>, which must not be settled yet.</summary>
    public Message Read(long location)
    {
        var (number, offset) = LogSegment.Split(location);
        lock (_appendLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var segment = LogSegment.Find(_segments, number)
                ?? throw new InvalidOperationException($"segment {number} is gone: the message was settled before it was read back");
            if (ReferenceEquals(segment, _segments[^1]))
            {
                // The record may still sit in the append buffer.
                _stream.Flush(flushToDisk: false);
            }

            var handle = segment.OpenForRead();
            Span<byte> header = stackalloc byte[LogRecord.HeaderSize];
            RandomAccess.Read(handle, header, offset);
            var length = BinaryPrimitives.ReadInt32LittleEndian(header);
            var payload = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                var span = payload.AsSpan(0, length);
                RandomAccess.Read(handle, span, offset + LogRecord.HeaderSize);
                return PublishRecord.TryParse(span, out var record)
                    ? record.ToMessage()
                    : throw new InvalidDataException($"no publish record at offset {offset} of segment {number}");
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(payload);
            }
        }
    }

    /// <summary>The message left the queue for good; its segment may now be deleted.</summary>
    public void AppendSettled(long id) => AppendMarker(LogRecordKind.Settled, id);

    /// <summary>Hands buffered records to the OS: they survive the process being killed, not a power loss.</summary>
    public void Flush()
    {
        lock (_appendLock)
        {
            if (!_disposed)
            {
                _stream.Flush(flushToDisk: false);
            }
        }
    }

    /// <summary>Makes every record appended before this call durable (fsync). Runs off the appenders' lock.</summary>
    public void Sync()
    {
        Microsoft.Win32.SafeHandles.SafeFileHandle handle;
        lock (_appendLock)
        {
            if (_disposed)
            {
                return;
            }

            _stream.Flush(flushToDisk: false);

            // Reading SafeFileHandle flushes a buffered FileStream, so it must happen under the lock the
            // appenders hold; touched from this thread while they write, it loses and overwrites records.
            handle = _stream.SafeFileHandle;
        }

        lock (_syncLock)
        {
            // A rollover in between synced and closed this segment already.
            if (!handle.IsClosed)
            {
                RandomAccess.FlushToDisk(handle);
            }
        }
    }

    public void Dispose()
    {
        lock (_appendLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            lock (_syncLock)
            {
                _stream.Flush(flushToDisk: true);
                _stream.Dispose();
            }

            foreach (var segment in _segments)
            {
                segment.CloseForRead();
            }
        }
    }

    private void AppendMarker(LogRecordKind kind, long id)
    {
        Span<byte> record = stackalloc byte[LogRecord.HeaderSize + 8];
        BinaryPrimitives.WriteInt64LittleEndian(record[LogRecord.HeaderSize..], id);
        lock (_appendLock)
        {
            // The queue was deleted while deliveries were out; their settles have nothing left to update.
            if (_disposed)
            {
                return;
            }

            WriteRecord(kind, record);
            if (kind == LogRecordKind.Settled && LogSegment.PublishedIn(_segments, id) is { } segment)
            {
                segment.Live--;
                DeleteSettledSegmentsLocked();
            }
        }
    }

    /// <summary>
    /// Writes one framed record (header space at the start of <paramref name="record"/>), rolling over first
    /// if it would not fit; returns the segment and offset it starts at.
    /// </summary>
    private (LogSegment Segment, long Offset) WriteRecord(LogRecordKind kind, Span<byte> record)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_stream.Position > 0 && _stream.Position + record.Length > _segmentSize)
        {
            RollOver();
        }

        var start = (_segments[^1], _stream.Position);
        LogRecord.WriteHeader(record, kind, record[LogRecord.HeaderSize..]);
        _stream.Write(record);
        return start;
    }

    private void RollOver()
    {
        lock (_syncLock)
        {
            _stream.Flush(flushToDisk: true);
            _stream.Dispose();
        }

        var next = new LogSegment(_segments[^1].Number + 1, SegmentPath(_directory, _segments[^1].Number + 1));
        _segments.Add(next);
        _stream = OpenForAppend(next.Path);
    }

    /// <summary>Deletes fully settled segments from the oldest on; the segment being written stays.</summary>
    private void DeleteSettledSegmentsLocked()
    {
        while (_segments.Count > 1 && _segments[0].Live == 0)
        {
            _segments[0].CloseForRead();
            File.Delete(_segments[0].Path);
            _segments.RemoveAt(0);
        }
    }

    /// <summary>Opens a segment for appending; a new one's directory entry is made durable before anything is written to it.</summary>
    private static FileStream OpenForAppend(string path)
    {
        var created = !File.Exists(path);
        var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 64 * 1024);
        if (created)
        {
            DirectorySync.Flush(Path.GetDirectoryName(path)!);
        }

        return stream;
    }

    private static string SegmentPath(string directory, long number) =>
        Path.Combine(directory, number.ToString("D10", CultureInfo.InvariantCulture) + Extension);
}
