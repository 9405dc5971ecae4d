using System.Buffers;

namespace AmqpBroker.Storage.Messages;

/// <summary>
/// The writing end of a <see cref="SegmentLog"/>: the segment being appended to, the append buffer, the
/// queue's directory (made on the first append), writes through the store's <see cref="FileHandleCache"/>,
/// and the failed state a write or fsync error leaves. Guarded by the log's append lock.
/// </summary>
internal sealed class SegmentWriter(string directory, string name, LogEnvironment environment, bool directoryExists)
{
    private readonly AppendBuffer _buffer = new();
    private bool _directoryExists = directoryExists;
    private bool _syncParentDirectory;
    private bool _syncDirectory;

    // Records completed since the last write reached a file: counted per write, not per record.
    private int _unwrittenMessages;
    private int _unwrittenMarkers;

    /// <summary>The segment appended to; null until the first append (or after recovering a segment of another format).</summary>
    public LogSegment? Segment { get; private set; }

    /// <summary>The end of <see cref="Segment"/>, buffered records included.</summary>
    public long End { get; private set; }

    /// <summary>A write or fsync failed: nothing is written any more, and syncs report failure.</summary>
    public bool HasFailed { get; private set; }

    public bool NeedsNewSegment(int recordSize) =>
        Segment is null || (End > SegmentFormat.HeaderSize && End + recordSize > environment.SegmentSize);

    /// <summary>Appends go on at the end of a recovered segment of this build's format.</summary>
    public void ContinueIn(LogSegment segment)
    {
        Segment = segment;
        End = segment.Length;
    }

    /// <summary>
    /// Switches to a new segment, after writing out what is buffered for the old one. The file is created by
    /// the first write; the directory entries it needs are synced with the next fsync.
    /// </summary>
    public void StartIn(LogSegment segment)
    {
        WriteOut();
        if (!_directoryExists)
        {
            try
            {
                environment.Files.CreateDirectory(directory);
            }
            catch (Exception ex) when (IsFileError(ex))
            {
                Fail("create", directory, ex);
            }

            _directoryExists = true;
            _syncParentDirectory = true;
        }

        Segment = segment;
        _syncDirectory = true;
        SegmentFormat.WriteHeader(_buffer.Reserve(SegmentFormat.HeaderSize));
        End = SegmentFormat.HeaderSize;
    }

    /// <summary>
    /// Makes room for a record of <paramref name="size"/> bytes at the end and returns its offset and the span
    /// to fill: in the append buffer, or in <paramref name="large"/> (rented) when bigger than the buffer.
    /// </summary>
    public long Reserve(int size, out Span<byte> record, out byte[]? large)
    {
        large = null;
        if (size <= AppendBuffer.Capacity)
        {
            if (!_buffer.HasRoom(size))
            {
                WriteOut();
            }

            record = _buffer.Reserve(size);
        }
        else
        {
            WriteOut();
            large = ArrayPool<byte>.Shared.Rent(size);
            record = large.AsSpan(0, size);
        }

        var offset = End;
        End += size;
        return offset;
    }

    /// <summary>Frames the filled <paramref name="record"/>; one outside the buffer is written at once.</summary>
    public void Complete(LogRecordKind kind, Span<byte> record, byte[]? large, long offset)
    {
        LogRecord.WriteHeader(record, kind, record[LogRecord.HeaderSize..]);
        if (LogRecord.HoldsMessage(kind))
        {
            _unwrittenMessages++;
        }
        else
        {
            _unwrittenMarkers++;
        }

        if (large is not null)
        {
            Write(record, offset);
            ArrayPool<byte>.Shared.Return(large);
        }
    }

    /// <summary>The record at <paramref name="offset"/> of <paramref name="segment"/> if it still sits in the buffer (a record is never split between buffer and file).</summary>
    public bool TryGetBuffered(LogSegment segment, long offset, out ReadOnlySpan<byte> record)
    {
        var bufferStart = End - _buffer.Count;
        record = ReferenceEquals(segment, Segment) && offset >= bufferStart ? _buffer.Held[(int)(offset - bufferStart)..] : default;
        return !record.IsEmpty;
    }

    /// <summary>Writes the append buffer to the end of the segment.</summary>
    public void WriteOut()
    {
        if (_buffer.Count > 0)
        {
            Write(_buffer.Held, End - _buffer.Count);
            _buffer.Clear();
        }
    }

    /// <summary>Which directories gained entries since the last call: the queue's parent (the queue's own directory is new) and the queue's directory (a segment is new).</summary>
    public (bool Parent, bool Own) TakeDirectorySyncs()
    {
        var syncs = (_syncParentDirectory, _syncDirectory);
        (_syncParentDirectory, _syncDirectory) = (false, false);
        return syncs;
    }

    /// <summary>Drops what is buffered: the log is closed without it.</summary>
    public void Discard()
    {
        _buffer.Clear();
        (_unwrittenMessages, _unwrittenMarkers) = (0, 0);
    }

    /// <summary>Marks the log failed (once), logs why, and reports it to the store.</summary>
    public void Fail(string operation, string path, Exception exception)
    {
        if (HasFailed)
        {
            return;
        }

        HasFailed = true;
        _buffer.Clear();
        StorageLog.LogFailed(environment.StorageLogger, name, operation, path, exception);
        environment.OnFailure();
    }

    public static bool IsFileError(Exception exception) => exception is IOException or UnauthorizedAccessException;

    private void Write(ReadOnlySpan<byte> data, long offset)
    {
        var segment = Segment!;
        if (HasFailed)
        {
            return;
        }

        try
        {
            var file = environment.Cache.Acquire(segment.File);
            try
            {
                file.Write(data, offset);
                segment.Unsynced = true;
                environment.Counters?.OnRecordsWritten(_unwrittenMessages, _unwrittenMarkers);
                (_unwrittenMessages, _unwrittenMarkers) = (0, 0);
            }
            finally
            {
                environment.Cache.Release(segment.File);
            }
        }
        catch (Exception ex) when (IsFileError(ex))
        {
            Fail("write", segment.Path, ex);
        }
    }
}
