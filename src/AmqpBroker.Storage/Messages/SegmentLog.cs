using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;

namespace AmqpBroker.Storage.Messages;

/// <summary>A message found in the log at start, in publish order; <c>Delivered</c> means it comes back redelivered.</summary>
public sealed record RecoveredMessage(StoredMessage Message, bool Delivered);

/// <summary>
/// The append-only log of one durable queue: numbered segment files that roll over at a fixed size. A
/// segment goes (and its disk space with it) once every message published into it is settled and every
/// older segment is gone — only then can no later settle record refer to it. Appends are buffered; <see
/// cref="Sync"/> makes everything appended before it durable, and appends may continue while it runs.
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
    private readonly Dictionary<long, RecordLocation> _locations;
    private FileStream _stream;
    private bool _disposed;

    private SegmentLog(string directory, long segmentSize, List<Segment> segments, Dictionary<long, RecordLocation> locations)
    {
        _directory = directory;
        _segmentSize = segmentSize;
        _segments = segments;
        _locations = locations;
        if (_segments.Count == 0)
        {
            _segments.Add(new Segment(1, SegmentPath(directory, 1)));
        }

        _stream = OpenForAppend(_segments[^1].Path);
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
    /// Opens the log in <paramref name="directory"/>, reading back every message not yet settled. A torn or
    /// damaged record (short, or failing its CRC) is cut off with everything after it in its segment.
    /// </summary>
    public static SegmentLog Open(string directory, out IReadOnlyList<RecoveredMessage> recovered, long segmentSize = DefaultSegmentSize)
    {
        Directory.CreateDirectory(directory);
        var segments = Directory.GetFiles(directory, "*" + Extension)
            .Select(path => (Path: path, Number: long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1))
            .Where(s => s.Number > 0)
            .OrderBy(s => s.Number)
            .Select(s => new Segment(s.Number, s.Path))
            .ToList();

        var live = new SortedDictionary<long, (StoredMessage Message, bool Delivered, RecordLocation Location)>();
        foreach (var segment in segments)
        {
            Replay(segment, live);
        }

        var locations = live.ToDictionary(e => e.Key, e => e.Value.Location);
        var log = new SegmentLog(directory, segmentSize, segments, locations);
        log.DeleteSettledSegmentsLocked();
        recovered = [.. live.Values.Select(e => new RecoveredMessage(e.Message, e.Delivered))];
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

    public void AppendPublish(long id, string exchange, string routingKey, ReadOnlySpan<byte> properties, ReadOnlySpan<byte> body)
    {
        var payloadSize = StoredMessage.PayloadSize(exchange, routingKey, properties.Length, body.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(LogRecord.HeaderSize + payloadSize);
        try
        {
            var payload = buffer.AsSpan(LogRecord.HeaderSize, payloadSize);
            StoredMessage.Write(payload, id, exchange, routingKey, properties, body);
            lock (_appendLock)
            {
                var location = WriteRecord(LogRecordKind.Publish, buffer.AsSpan(0, LogRecord.HeaderSize + payloadSize));
                location.Segment.Live++;
                _locations[id] = location;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void AppendDelivered(long id) => AppendMarker(LogRecordKind.Delivered, id);

    /// <summary>Reads back the message published as <paramref name="id"/>; null once it was settled.</summary>
    public StoredMessage? Read(long id)
    {
        lock (_appendLock)
        {
            if (_disposed || !_locations.TryGetValue(id, out var location))
            {
                return null;
            }

            if (ReferenceEquals(location.Segment, _segments[^1]))
            {
                // The record may still sit in the append buffer.
                _stream.Flush(flushToDisk: false);
            }

            var handle = location.Segment.OpenForRead();
            Span<byte> header = stackalloc byte[LogRecord.HeaderSize];
            RandomAccess.Read(handle, header, location.Offset);
            var payload = new byte[BinaryPrimitives.ReadInt32LittleEndian(header)];
            RandomAccess.Read(handle, payload, location.Offset + LogRecord.HeaderSize);
            return StoredMessage.Read(payload);
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
            if (kind == LogRecordKind.Settled && _locations.Remove(id, out var location))
            {
                location.Segment.Live--;
                DeleteSettledSegmentsLocked();
            }
        }
    }

    /// <summary>Writes one framed record (header space at the start of <paramref name="record"/>), rolling over first if it would not fit.</summary>
    private RecordLocation WriteRecord(LogRecordKind kind, Span<byte> record)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_stream.Position > 0 && _stream.Position + record.Length > _segmentSize)
        {
            RollOver();
        }

        var location = new RecordLocation(_segments[^1], _stream.Position);
        LogRecord.WriteHeader(record, kind, record[LogRecord.HeaderSize..]);
        _stream.Write(record);
        return location;
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

    private static void Replay(Segment segment, SortedDictionary<long, (StoredMessage Message, bool Delivered, RecordLocation Location)> live)
    {
        var bytes = File.ReadAllBytes(segment.Path);
        var position = 0;
        while (position < bytes.Length)
        {
            if (!TryReadRecord(bytes.AsSpan(position), out var kind, out var payload, out var length))
            {
                // Torn or damaged: nothing after it in this segment can be trusted.
                using var file = new FileStream(segment.Path, FileMode.Open, FileAccess.Write);
                file.SetLength(position);
                file.Flush(flushToDisk: true);
                break;
            }

            var start = position;
            position += length;
            switch (kind)
            {
                case LogRecordKind.Publish when StoredMessage.Read(payload) is { } message:
                    live[message.Id] = (message, false, new RecordLocation(segment, start));
                    segment.Live++;
                    break;
                case LogRecordKind.Delivered when live.TryGetValue(BinaryPrimitives.ReadInt64LittleEndian(payload), out var entry):
                    live[entry.Message.Id] = entry with { Delivered = true };
                    break;
                case LogRecordKind.Settled when live.Remove(BinaryPrimitives.ReadInt64LittleEndian(payload), out var settled):
                    settled.Location.Segment.Live--;
                    break;
            }
        }
    }

    private static bool TryReadRecord(ReadOnlySpan<byte> data, out LogRecordKind kind, out ReadOnlySpan<byte> payload, out int length)
    {
        kind = default;
        payload = default;
        length = 0;
        if (data.Length < LogRecord.HeaderSize)
        {
            return false;
        }

        var payloadLength = BinaryPrimitives.ReadInt32LittleEndian(data);
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        kind = (LogRecordKind)data[8];
        if (payloadLength < 0 || data.Length - LogRecord.HeaderSize < payloadLength)
        {
            return false;
        }

        payload = data.Slice(LogRecord.HeaderSize, payloadLength);
        length = LogRecord.HeaderSize + payloadLength;
        var markerTooShort = kind is LogRecordKind.Delivered or LogRecordKind.Settled && payloadLength != 8;
        return !markerTooShort && kind is >= LogRecordKind.Publish and <= LogRecordKind.Settled && LogRecord.Checksum(kind, payload) == crc;
    }

    private static FileStream OpenForAppend(string path) =>
        new(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 64 * 1024);

    private static string SegmentPath(string directory, long number) =>
        Path.Combine(directory, number.ToString("D10", CultureInfo.InvariantCulture) + Extension);

    private sealed class Segment(long number, string path)
    {
        private Microsoft.Win32.SafeHandles.SafeFileHandle? _readHandle;

        public long Number { get; } = number;

        public string Path { get; } = path;

        /// <summary>Messages published into this segment and not yet settled.</summary>
        public int Live { get; set; }

        /// <summary>A handle for reading records back (paged-out messages), opened on first use.</summary>
        public Microsoft.Win32.SafeHandles.SafeFileHandle OpenForRead() =>
            _readHandle ??= File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

        public void CloseForRead()
        {
            _readHandle?.Dispose();
            _readHandle = null;
        }
    }

    /// <summary>Where a publish record starts: its segment and byte offset.</summary>
    private readonly record struct RecordLocation(Segment Segment, long Offset);
}
