using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using AmqpBroker.Core.Messages;

namespace AmqpBroker.Storage.Messages;

/// <summary>
/// Reads the records of a queue's <see cref="TransientPages"/> back. Paged messages leave in the order they
/// were written, so a read from a file takes up to <see cref="ReadAheadSize"/> bytes and the records after the
/// one asked for are served from them: one system call per many small messages instead of two each. Consecutive
/// messages of one route share their exchange and routing key strings instead of decoding new ones.
/// </summary>
internal sealed class PageReader(FileHandleCache cache)
{
    public const int LengthSize = sizeof(int);

    private const int ReadAheadSize = 128 * 1024;

    private readonly LastName _exchange = new();
    private readonly LastName _routingKey = new();
    private byte[]? _bytes;
    private PageSegment? _segment;
    private long _start;
    private int _length;

    /// <summary>The record at <paramref name="offset"/> of <paramref name="segment"/>, whose file holds <paramref name="written"/> bytes.</summary>
    public Message Read(PageSegment segment, long offset, long written)
    {
        if (TryHeld(segment, offset, out var held))
        {
            return Parse(held);
        }

        Fill(segment, offset, written);
        return TryHeld(segment, offset, out held) ? Parse(held) : ReadLarge(segment, offset, written);
    }

    /// <summary>The message of a whole record (its length, then a <see cref="PublishRecord"/> payload).</summary>
    public Message Parse(ReadOnlySpan<byte> record)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(record);
        if ((uint)length > (uint)(record.Length - LengthSize) || !PublishRecord.TryParse(record.Slice(LengthSize, length), out var parsed))
        {
            throw new InvalidDataException("no record where the queue's index points in its temporary file");
        }

        return Message.Create(_exchange.For(parsed.Exchange), _routingKey.For(parsed.RoutingKey), parsed.Properties, parsed.Body);
    }

    /// <summary>The segment is gone: what was read ahead from it is no longer valid.</summary>
    public void Forget(PageSegment segment)
    {
        if (ReferenceEquals(segment, _segment))
        {
            _segment = null;
        }
    }

    /// <summary>Nothing is paged any more: the read-ahead buffer goes back to the pool.</summary>
    public void Clear()
    {
        _segment = null;
        if (_bytes is not null)
        {
            ArrayPool<byte>.Shared.Return(_bytes);
            _bytes = null;
        }
    }

    private bool TryHeld(PageSegment segment, long offset, out ReadOnlySpan<byte> record)
    {
        record = default;
        if (!ReferenceEquals(segment, _segment) || offset < _start || offset + LengthSize > _start + _length)
        {
            return false;
        }

        var at = (int)(offset - _start);
        // Only a negative length is damage here: a record running past what was read ahead is read on its own (ReadLarge checks it against the file).
        var length = RecordLength.Checked(BinaryPrimitives.ReadInt32LittleEndian(_bytes.AsSpan(at)), LengthSize, long.MaxValue, offset);
        if (at + LengthSize + (long)length > _length)
        {
            return false;
        }

        record = _bytes.AsSpan(at, LengthSize + length);
        return true;
    }

    private void Fill(PageSegment segment, long offset, long written)
    {
        _bytes ??= ArrayPool<byte>.Shared.Rent(ReadAheadSize);
        _segment = null;
        var length = (int)Math.Min(_bytes.Length, written - offset);
        ReadFile(segment, _bytes.AsSpan(0, length), offset);
        (_segment, _start, _length) = (segment, offset, length);
    }

    /// <summary>A record larger than the read-ahead buffer, read on its own.</summary>
    private Message ReadLarge(PageSegment segment, long offset, long written)
    {
        var size = LengthSize + RecordLength.Checked(BinaryPrimitives.ReadInt32LittleEndian(_bytes), LengthSize, written - offset, offset);
        var record = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            ReadFile(segment, record.AsSpan(0, size), offset);
            return Parse(record.AsSpan(0, size));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(record);
        }
    }

    private void ReadFile(PageSegment segment, Span<byte> destination, long offset)
    {
        var file = cache.Acquire(segment.File);
        try
        {
            file.Read(destination, offset);
        }
        finally
        {
            cache.Release(segment.File);
        }
    }

    /// <summary>The string of the last name decoded, reused while the same bytes come again.</summary>
    private sealed class LastName
    {
        private byte[] _bytes = [];
        private string _value = string.Empty;

        public string For(ReadOnlySpan<byte> utf8)
        {
            if (!utf8.SequenceEqual(_bytes))
            {
                _bytes = utf8.ToArray();
                _value = Encoding.UTF8.GetString(utf8);
            }

            return _value;
        }
    }
}
