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
/// is gone — only then can no later settle record refer to it. Nothing is created before the first append
/// (a queue that never holds a persistent message costs no file), records are buffered in memory, and
/// files are opened through the store's <see cref="FileHandleCache"/> only to write, read or sync.
/// <see cref="Sync"/> makes everything appended before it durable, and appends may continue while it runs.
/// A write or fsync that fails marks the log failed: it writes nothing more, and every later sync reports
/// failure, so no confirm ever claims what the disk did not take.
/// </summary>
internal sealed partial class SegmentLog : IDisposable
{
    private const string Extension = ".seg";

    private readonly string _directory;
    private readonly string _name;
    private readonly LogEnvironment _environment;
    private readonly Lock _appendLock = new();
    private readonly Lock _syncLock = new();
    private readonly List<LogSegment> _segments;
    private readonly SegmentWriter _writer;
    private readonly List<(LogSegment Segment, ISegmentFile File)> _syncing = [];
    private long _lastId;
    private bool _disposed;

    private SegmentLog(string directory, string name, LogEnvironment environment, List<LogSegment> segments, long lastId, bool directoryExists)
    {
        _directory = directory;
        _name = name;
        _environment = environment;
        _segments = segments;
        _lastId = lastId;
        _writer = new SegmentWriter(directory, name, environment, directoryExists);

        // Appends go on in the last segment only if this build writes its format; otherwise into a new one.
        if (segments.Count > 0 && segments[^1] is { Version: SegmentFormat.CurrentVersion } last)
        {
            _writer.ContinueIn(last);
        }
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

    /// <summary>Whether a write or fsync failed: nothing appended since is durable.</summary>
    public bool HasFailed
    {
        get
        {
            lock (_appendLock)
            {
                return _writer.HasFailed;
            }
        }
    }

    /// <summary>The segment files currently on disk (or about to be: the first write creates one), oldest first.</summary>
    public IReadOnlyList<string> SegmentFiles
    {
        get
        {
            lock (_appendLock)
            {
                _writer.WriteOut();
                return [.. _segments.Select(s => s.Path)];
            }
        }
    }

    /// <summary>
    /// Opens the log in <paramref name="directory"/> (<paramref name="name"/> says whose it is in log lines)
    /// and lists every message not yet settled, in publish order, without keeping any in memory. A torn or
    /// damaged record (short, failing its CRC, or out of id order) is cut off with everything after it in its
    /// segment; a segment this build cannot read throws <see cref="UnreadableLogException"/>.
    /// </summary>
    public static SegmentLog Open(string directory, string name, LogEnvironment environment, out IReadOnlyList<RecoveredEntry> recovered)
    {
        // A location keeps the offset in 32 bits.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(environment.SegmentSize, uint.MaxValue);
        var directoryExists = Directory.Exists(directory);
        var segments = directoryExists ? ListSegments(directory) : [];
        var replay = new LogReplay(segments, environment, name);
        foreach (var segment in segments)
        {
            replay.Read(segment);
        }

        environment.Counters?.OnIndexRead(replay.RecordsRead);

        var log = new SegmentLog(directory, name, environment, segments, replay.LastId, directoryExists);
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
        var startsChunk = false;
        return AppendMessage(id, message, expiresAt, stream: false, ref startsChunk);
    }

    /// <summary>
    /// Appends a stream's message as <paramref name="offset"/> stamped with <paramref name="timestamp"/>, as the
    /// first of a chunk when <paramref name="startsChunk"/> says so or when it is the first record of a new segment
    /// (no chunk spans segments; <paramref name="startsChunk"/> is then set); returns its location.
    /// </summary>
    public long AppendStreamEntry(long offset, Message message, long timestamp, ref bool startsChunk) =>
        AppendMessage(offset, message, timestamp, stream: true, ref startsChunk);

    public void AppendDelivered(long id) => AppendMarker(LogRecordKind.Delivered, id);

    /// <summary>The message left the queue for good; its segment may now be deleted.</summary>
    public void AppendSettled(long id) => AppendMarker(LogRecordKind.Settled, id);

    /// <summary>
    /// Deletes the oldest segment whatever it still holds (a stream's retention); the last segment stays.
    /// False when only the last one is left.
    /// </summary>
    public bool DropOldestSegment()
    {
        lock (_appendLock)
        {
            if (_segments.Count < 2)
            {
                return false;
            }

            DeleteOldestSegmentLocked();
            return true;
        }
    }

    /// <summary>Hands buffered records to the OS: they survive the process being killed, not a power loss. False once the log has failed.</summary>
    public bool Flush()
    {
        lock (_appendLock)
        {
            _writer.WriteOut();
            return !_writer.HasFailed;
        }
    }

    /// <summary>
    /// Makes every record appended before this call durable (fsync, and the directory entries of files and
    /// directories it created); the fsyncs run off the appenders' lock. False when the log has failed.
    /// </summary>
    public bool Sync()
    {
        lock (_syncLock)
        {
            bool syncParent, syncDirectory;
            lock (_appendLock)
            {
                _writer.WriteOut();
                (syncParent, syncDirectory) = _writer.TakeDirectorySyncs();
                if (!_writer.HasFailed && !_disposed)
                {
                    PinUnsyncedLocked();
                }

                if (_writer.HasFailed || _disposed)
                {
                    ReleasePinned();
                    return !_writer.HasFailed;
                }
            }

            return SyncPinned(syncParent, syncDirectory);
        }
    }

    /// <summary>Writes out and syncs what is buffered, then closes the log's files.</summary>
    public void Dispose()
    {
        Sync();
        Close();
    }

    /// <summary>Closes the log without writing what is buffered: its queue was deleted.</summary>
    public void Close()
    {
        lock (_appendLock)
        {
            _disposed = true;
            _writer.Discard();
            foreach (var segment in _segments)
            {
                _environment.Cache.Close(segment.File);
            }
        }
    }

    private long AppendMessage(long id, Message message, long time, bool stream, ref bool startsChunk)
    {
        var size = LogRecord.HeaderSize + PublishRecord.PayloadSize(message);
        lock (_appendLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(id, _lastId);
            startsChunk |= stream && _writer.NeedsNewSegment(size);
            var (segment, offset) = ReserveLocked(size, out var record, out var large);
            PublishRecord.Write(record[LogRecord.HeaderSize..], id, time, message);
            _writer.Complete(startsChunk ? LogRecordKind.ChunkStart : LogRecordKind.Publish, record, large, offset);
            segment.AddPublished(id);
            _lastId = id;
            return segment.LocationOf(offset);
        }
    }

    private void AppendMarker(LogRecordKind kind, long id)
    {
        lock (_appendLock)
        {
            // The queue was deleted while deliveries were out; their settles have nothing left to update.
            if (_disposed)
            {
                return;
            }

            var (_, offset) = ReserveLocked(LogRecord.HeaderSize + LogRecord.MarkerPayloadSize, out var record, out var large);
            BinaryPrimitives.WriteInt64LittleEndian(record[LogRecord.HeaderSize..], id);
            _writer.Complete(kind, record, large, offset);
            if (kind == LogRecordKind.Settled && LogSegment.PublishedIn(_segments, id) is { } segment)
            {
                segment.Live--;
                DeleteSettledSegmentsLocked();
            }
        }
    }

    /// <summary>Rolls over first if a record of <paramref name="size"/> bytes would not fit, then reserves its place (see <see cref="SegmentWriter.Reserve"/>).</summary>
    private (LogSegment Segment, long Offset) ReserveLocked(int size, out Span<byte> record, out byte[]? large)
    {
        if (_writer.NeedsNewSegment(size))
        {
            var number = _segments.Count > 0 ? _segments[^1].Number + 1 : 1;
            var segment = new LogSegment(number, SegmentPath(_directory, number), SegmentFormat.CurrentVersion);
            if (_writer.Segment is { } full)
            {
                full.Length = _writer.End;
            }

            _segments.Add(segment);
            _writer.StartIn(segment);

            // The previous last segment may have been kept only because it was last.
            DeleteSettledSegmentsLocked();
        }

        return (_writer.Segment!, _writer.Reserve(size, out record, out large));
    }

    /// <summary>Pins (in the cache) the files of every segment written since its last fsync, for <see cref="SyncPinned"/>.</summary>
    private void PinUnsyncedLocked()
    {
        foreach (var segment in _segments)
        {
            if (!segment.Unsynced)
            {
                continue;
            }

            try
            {
                _syncing.Add((segment, _environment.Cache.Acquire(segment.File)));
                segment.Unsynced = false;
            }
            catch (Exception ex) when (SegmentWriter.IsFileError(ex))
            {
                _writer.Fail("open", segment.Path, ex);
                return;
            }
        }
    }

    private void ReleasePinned()
    {
        foreach (var (segment, _) in _syncing)
        {
            _environment.Cache.Release(segment.File);
        }

        _syncing.Clear();
    }

    private bool SyncPinned(bool syncParent, bool syncDirectory)
    {
        var current = _directory;
        try
        {
            if (syncParent)
            {
                current = Path.GetDirectoryName(Path.GetFullPath(_directory))!;
                _environment.Files.SyncDirectory(current);
            }

            if (syncDirectory)
            {
                current = _directory;
                _environment.Files.SyncDirectory(_directory);
            }

            foreach (var (segment, file) in _syncing)
            {
                current = segment.Path;
                file.FlushToDisk();
            }

            return true;
        }
        catch (Exception ex) when (SegmentWriter.IsFileError(ex))
        {
            lock (_appendLock)
            {
                _writer.Fail("fsync", current, ex);
            }

            return false;
        }
        finally
        {
            ReleasePinned();
        }
    }

    /// <summary>Deletes fully settled segments from the oldest on; the last segment stays.</summary>
    private void DeleteSettledSegmentsLocked()
    {
        while (_segments.Count > 1 && _segments[0].Live == 0)
        {
            DeleteOldestSegmentLocked();
        }
    }

    private void DeleteOldestSegmentLocked()
    {
        var segment = _segments[0];
        _segments.RemoveAt(0);
        _environment.Cache.Close(segment.File);
        try
        {
            File.Delete(segment.Path);
        }
        catch (Exception ex) when (SegmentWriter.IsFileError(ex))
        {
            StorageLog.SegmentNotDeleted(_environment.StorageLogger, _name, segment.Path, ex);
        }
    }

    private static List<LogSegment> ListSegments(string directory) =>
        [.. Directory.GetFiles(directory, "*" + Extension)
            .Select(path => (Path: path, Number: long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1))
            .Where(s => s.Number > 0)
            .OrderBy(s => s.Number)
            .Select(s => new LogSegment(s.Number, s.Path, SegmentFormat.CurrentVersion))];

    private static string SegmentPath(string directory, long number) =>
        Path.Combine(directory, number.ToString("D10", CultureInfo.InvariantCulture) + Extension);
}
