using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Queues;
using AmqpBroker.Core.Storage;
using AmqpBroker.Protocol.Content;

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
    private readonly List<Segment> _segments;
    private long _lastId;
    private FileStream _stream;
    private bool _disposed;

    private SegmentLog(string directory, long segmentSize, List<Segment> segments, long lastId)
    {
        _directory = directory;
        _segmentSize = segmentSize;
        _segments = segments;
        _lastId = lastId;
        if (_segments.Count == 0)
        {
            _segments.Add(new Segment(1, SegmentPath(directory, 1)));
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
            .Select(s => new Segment(s.Number, s.Path))
            .ToList();

        var replay = new Replay(segments);
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
                return Location(segment.Number, offset);
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
        var (number, offset) = (location >> 32, (uint)location);
        lock (_appendLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var segment = FindByNumber(number)
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
            if (kind == LogRecordKind.Settled && FindPublishedIn(_segments, id) is { } segment)
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
    private (Segment Segment, long Offset) WriteRecord(LogRecordKind kind, Span<byte> record)
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

        var next = new Segment(_segments[^1].Number + 1, SegmentPath(_directory, _segments[^1].Number + 1));
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

    /// <summary>A segment number in the high 32 bits, the record's offset in the low 32.</summary>
    private static long Location(long segmentNumber, long offset) => (segmentNumber << 32) | offset;

    private Segment? FindByNumber(long number)
    {
        var index = CollectionsMarshal.AsSpan(_segments).BinarySearch(new SegmentNumber(number));
        return index >= 0 ? _segments[index] : null;
    }

    /// <summary>The segment <paramref name="id"/> was published into, if it is still there: ids grow from segment to segment.</summary>
    private static Segment? FindPublishedIn(List<Segment> segments, long id)
    {
        foreach (var segment in segments)
        {
            if (segment.HasPublished && id <= segment.LastId)
            {
                return id >= segment.FirstId ? segment : null;
            }
        }

        return null;
    }

    private static string SegmentPath(string directory, long number) =>
        Path.Combine(directory, number.ToString("D10", CultureInfo.InvariantCulture) + Extension);

    private sealed class Segment(long number, string path)
    {
        private Microsoft.Win32.SafeHandles.SafeFileHandle? _readHandle;

        public long Number { get; } = number;

        public string Path { get; } = path;

        /// <summary>Messages published into this segment and not yet settled.</summary>
        public int Live { get; set; }

        public bool HasPublished { get; private set; }

        /// <summary>The lowest and highest id published into this segment (when <see cref="HasPublished"/>).</summary>
        public long FirstId { get; private set; }

        public long LastId { get; private set; }

        public void AddPublished(long id)
        {
            FirstId = HasPublished ? FirstId : id;
            LastId = id;
            HasPublished = true;
            Live++;
        }

        /// <summary>A handle for reading records back (paged-out messages), opened on first use.</summary>
        public Microsoft.Win32.SafeHandles.SafeFileHandle OpenForRead() =>
            _readHandle ??= File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

        public void CloseForRead()
        {
            _readHandle?.Dispose();
            _readHandle = null;
        }
    }

    /// <summary>
    /// Reading the segments back at start: every publish record becomes an entry in id order, found again by
    /// binary search when a delivered or settled marker names it; settled entries are dropped at the end.
    /// </summary>
    private sealed class Replay(List<Segment> segments)
    {
        private const long SettledLocation = -1;

        private readonly ReplayedEntries _entries = new();
        private byte[] _payload = new byte[4096];

        /// <summary>The highest id published, settled or not; -1 before any.</summary>
        public long LastId { get; private set; } = -1;

        public void Read(Segment segment)
        {
            if (ApplyRecords(segment) is { } damagedAt)
            {
                // Torn or damaged: nothing after it in this segment can be trusted.
                using var file = new FileStream(segment.Path, FileMode.Open, FileAccess.Write);
                file.SetLength(damagedAt);
                file.Flush(flushToDisk: true);
            }
        }

        public ReplayedEntries Unsettled()
        {
            _entries.RemoveAll(static e => e.Location == SettledLocation);
            return _entries;
        }

        /// <summary>
        /// Streams the segment's records through one reused buffer (a segment is far too big to read whole)
        /// and applies them in order; returns where the first torn or damaged record starts, if any.
        /// </summary>
        private long? ApplyRecords(Segment segment)
        {
            using var file = new FileStream(segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1 << 20);
            var length = file.Length;
            Span<byte> header = stackalloc byte[LogRecord.HeaderSize];
            for (var position = 0L; position < length;)
            {
                if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
                {
                    return position;
                }

                var payloadLength = BinaryPrimitives.ReadInt32LittleEndian(header);
                if (payloadLength < 0 || payloadLength > length - position - LogRecord.HeaderSize)
                {
                    return position;
                }

                if (_payload.Length < payloadLength)
                {
                    _payload = new byte[payloadLength];
                }

                var payload = _payload.AsSpan(0, payloadLength);
                file.ReadExactly(payload);
                if (!LogRecord.IsIntact(header, payload, out var kind) || !TryApply(segment, position, kind, payload))
                {
                    return position;
                }

                position += LogRecord.HeaderSize + payloadLength;
            }

            return null;
        }

        private bool TryApply(Segment segment, long offset, LogRecordKind kind, ReadOnlySpan<byte> payload)
        {
            if (kind != LogRecordKind.Publish)
            {
                var index = _entries.IndexOf(BinaryPrimitives.ReadInt64LittleEndian(payload));
                if (index >= 0 && _entries.At(index).Location != SettledLocation)
                {
                    Mark(index, kind);
                }

                return true;
            }

            if (!PublishRecord.TryParse(payload, out var record) || record.Id <= LastId)
            {
                return false;
            }

            var summary = ContentSummary.Read(record.Properties);
            _entries.Add(new RecoveredEntry(
                record.Id, Location(segment.Number, offset), record.ExpiresAt, record.Body.Length, summary.Priority,
                HasOwnTtl: summary.ExpirationMs != ContentSummary.NoExpiration, Delivered: false));
            segment.AddPublished(record.Id);
            LastId = record.Id;
            return true;
        }

        private void Mark(int index, LogRecordKind kind)
        {
            ref var entry = ref _entries.At(index);
            if (kind == LogRecordKind.Delivered)
            {
                entry = entry with { Delivered = true };
                return;
            }

            FindPublishedIn(segments, entry.Id)!.Live--;
            entry = entry with { Location = SettledLocation };
        }
    }

    /// <summary>Finds a segment by number in the segment list, which is in number order.</summary>
    private readonly struct SegmentNumber(long number) : IComparable<Segment>
    {
        public int CompareTo(Segment? other) => number.CompareTo(other!.Number);
    }
}
