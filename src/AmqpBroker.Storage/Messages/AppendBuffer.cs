using System.Buffers;

namespace AmqpBroker.Storage.Messages;

/// <summary>
/// The records appended to a log and not yet written to its segment: a pooled array while there are any
/// and none while the log is idle, so thousands of quiet durable queues hold no buffer each.
/// </summary>
internal sealed class AppendBuffer
{
    public const int Capacity = 64 * 1024;

    private byte[]? _bytes;

    /// <summary>Bytes held.</summary>
    public int Count { get; private set; }

    public ReadOnlySpan<byte> Held => _bytes.AsSpan(0, Count);

    public bool HasRoom(int size) => Count + size <= Capacity;

    /// <summary>The next <paramref name="size"/> bytes, to be filled by the caller.</summary>
    public Span<byte> Reserve(int size)
    {
        _bytes ??= ArrayPool<byte>.Shared.Rent(Capacity);
        var span = _bytes.AsSpan(Count, size);
        Count += size;
        return span;
    }

    /// <summary>Forgets what is held (it was written, or can no longer be) and gives the array back.</summary>
    public void Clear()
    {
        if (_bytes is not null)
        {
            ArrayPool<byte>.Shared.Return(_bytes);
            _bytes = null;
        }

        Count = 0;
    }
}
