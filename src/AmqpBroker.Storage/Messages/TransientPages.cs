using System.Buffers;
using System.Buffers.Binary;
using AmqpBroker.Core.Messages;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Storage.Messages;

/// <summary>
/// A queue's temporary file for the messages its log does not keep: numbered segment files under the store's
/// transient directory, each record a 4-byte length and a <see cref="PublishRecord"/> payload. Records are
/// buffered (a record larger than the buffer is written at once) and read back from the buffer, the file, or
/// what a failed write left in memory; nothing is ever synced. A segment goes when the last of its messages
/// is released, the one being written included, so an emptied queue holds no file. A write or open that fails
/// is logged, raises the disk alarm through the store, and turns paging off (messages stay in memory) until
/// every message of the file is released. Files are created on the first write, so a queue that never pages
/// costs no file, and opened through the store's <see cref="FileHandleCache"/>. Called under the queue's lock.
/// </summary>
internal sealed class TransientPages(TransientDirectory directory, long queueNumber, string virtualHost, string queue) : ITransientPages
{
    private const int LengthSize = PageReader.LengthSize;

    private readonly LogEnvironment _environment = directory.Environment;

    private readonly AppendBuffer _buffer = new();

    // Made on first use: most queues never page, and a broker may have hundreds of thousands of them.
    private Dictionary<long, PageSegment>? _segments;
    private PageReader? _reader;
    private PageSegment? _current;
    private long _lastNumber;
    private bool _failed;
    private bool _disposed;

    public int InMemoryLimit => directory.InMemoryLimit;

    public bool UnderMemoryPressure => directory.Pressure.IsRaised;

    private PageReader Reader => _reader ??= new PageReader(_environment.Cache);

    /// <summary>Whose file this is, in log lines.</summary>
    private string QueueName => $"queue '{queue}' in vhost '{virtualHost}'";

    public void OnMemoryPressure(Func<long> pageOut) => directory.WhenPressed(this, pageOut);

    public long Append(Message message)
    {
        if (_failed || _disposed)
        {
            return ITransientPages.NotPaged;
        }

        var size = LengthSize + PublishRecord.PayloadSize(message);
        if (SegmentFor(size) is not { } segment)
        {
            return ITransientPages.NotPaged;
        }

        var offset = segment.End;
        if (size <= AppendBuffer.Capacity)
        {
            if (!_buffer.HasRoom(size) && !WriteOut())
            {
                return ITransientPages.NotPaged;
            }

            WriteRecord(_buffer.Reserve(size), message);
        }
        else if (!WriteOut() || !WriteLarge(segment, size, message, offset))
        {
            return ITransientPages.NotPaged;
        }

        segment.End += size;
        segment.Live++;
        return segment.LocationOf(offset);
    }

    public Message Read(long location)
    {
        var (segment, offset) = Find(location);
        var bufferStart = segment.End - _buffer.Count;
        if (ReferenceEquals(segment, _current) && offset >= bufferStart)
        {
            return Reader.Parse(_buffer.Held[(int)(offset - bufferStart)..]);
        }

        if (segment.Stranded is { } stranded && offset >= segment.StrandedStart)
        {
            return Reader.Parse(stranded.AsSpan((int)(offset - segment.StrandedStart)));
        }

        var written = segment.Stranded is not null ? segment.StrandedStart : ReferenceEquals(segment, _current) ? bufferStart : segment.End;
        return Reader.Read(segment, offset, written);
    }

    public void Release(long location)
    {
        var (segment, _) = Find(location);
        if (--segment.Live == 0)
        {
            Delete(segment);
        }
    }

    /// <summary>The queue is gone: every file goes, and nothing is paged any more.</summary>
    public void Dispose()
    {
        _disposed = true;
        directory.Forget(this);
        foreach (var segment in _segments?.Values.ToList() ?? [])
        {
            Delete(segment);
        }

        _reader?.Clear();
    }

    /// <summary>
    /// The segment a record of <paramref name="size"/> bytes goes into: the current one, or a new one when it
    /// would not fit; null when the full one's buffered records could not be written out.
    /// </summary>
    private PageSegment? SegmentFor(int size)
    {
        if (_current is { } current && (current.End == 0 || current.End + size <= _environment.SegmentSize))
        {
            return current;
        }

        if (!WriteOut())
        {
            return null;
        }

        _lastNumber++;
        _current = new PageSegment(_lastNumber, directory.SegmentPath(queueNumber, _lastNumber));
        (_segments ??= []).Add(_lastNumber, _current);
        return _current;
    }

    private static void WriteRecord(Span<byte> record, Message message)
    {
        BinaryPrimitives.WriteInt32LittleEndian(record, record.Length - LengthSize);
        PublishRecord.Write(record[LengthSize..], id: 0, expiresAt: long.MaxValue, message);
    }

    /// <summary>Writes a record too large for the buffer straight to the file; false (and paging off) when that fails.</summary>
    private bool WriteLarge(PageSegment segment, int size, Message message, long offset)
    {
        var record = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            WriteRecord(record.AsSpan(0, size), message);
            return TryWrite(segment, record.AsSpan(0, size), offset);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(record);
        }
    }

    /// <summary>Writes the buffered records of the current segment to its file; when that fails they stay in memory, stranded, and paging stops.</summary>
    private bool WriteOut()
    {
        if (_buffer.Count == 0)
        {
            return !_failed;
        }

        var segment = _current!;
        var start = segment.End - _buffer.Count;
        if (!TryWrite(segment, _buffer.Held, start))
        {
            segment.Stranded = _buffer.Held.ToArray();
            segment.StrandedStart = start;
        }

        _buffer.Clear();
        return !_failed;
    }

    private bool TryWrite(PageSegment segment, ReadOnlySpan<byte> data, long offset)
    {
        try
        {
            var file = _environment.Cache.Acquire(segment.File);
            segment.Created = true;
            try
            {
                file.Write(data, offset);
                return true;
            }
            finally
            {
                _environment.Cache.Release(segment.File);
            }
        }
        catch (Exception ex) when (SegmentWriter.IsFileError(ex))
        {
            Fail("write", segment, ex);
            return false;
        }
    }

    private (PageSegment Segment, long Offset) Find(long location)
    {
        var (number, offset) = LogSegment.Split(location);
        return _segments is not null && _segments.TryGetValue(number, out var segment)
            ? (segment, offset)
            : throw new InvalidOperationException($"temporary segment {number} is gone: its messages were released before they were read back");
    }

    /// <summary>Removes a segment whose messages are all released (or whose queue is gone); with the last one, paging may resume after a failure.</summary>
    private void Delete(PageSegment segment)
    {
        _segments!.Remove(segment.Number);
        if (ReferenceEquals(segment, _current))
        {
            _buffer.Clear();
            _current = null;
        }

        _reader?.Forget(segment);
        _environment.Cache.Close(segment.File);
        if (segment.Created)
        {
            try
            {
                File.Delete(segment.File.Path);
            }
            catch (Exception ex) when (SegmentWriter.IsFileError(ex))
            {
                StorageLog.SegmentNotDeleted(_environment.StorageLogger, QueueName, segment.File.Path, ex);
            }
        }

        if (_segments.Count == 0)
        {
            _failed = false;
            _reader?.Clear();
        }
    }

    private void Fail(string operation, PageSegment segment, Exception exception)
    {
        if (_failed)
        {
            return;
        }

        _failed = true;
        StorageLog.TransientPagingFailed(_environment.StorageLogger, QueueName, operation, segment.File.Path, exception);
        _environment.OnFailure();
    }
}
