namespace AmqpBroker.Core.Queues;

/// <summary>
/// A FIFO queue kept in fixed-size blocks instead of one array. It grows without copying and without
/// leaving the outgrown array behind (a paged tail of millions of entries would otherwise double its way
/// through the large object heap, where garbage lingers until a full collection), and its memory follows
/// its length as it drains.
/// </summary>
internal sealed class BlockQueue<T>
    where T : struct
{
    // 2,048 entries of up to 40 bytes stay below the 85,000 bytes at which arrays go to the large object heap.
    private const int BlockSize = 2048;

    private Block _head = new();
    private Block _tail;
    private int _headIndex;
    private int _tailIndex;

    public BlockQueue() => _tail = _head;

    public int Count { get; private set; }

    public void Enqueue(T item)
    {
        if (_tailIndex == BlockSize)
        {
            _tail = _tail.Next = new Block();
            _tailIndex = 0;
        }

        _tail.Items[_tailIndex++] = item;
        Count++;
    }

    public bool TryPeek(out T item)
    {
        item = Count > 0 ? _head.Items[_headIndex] : default;
        return Count > 0;
    }

    public T Peek() => Count > 0 ? _head.Items[_headIndex] : throw new InvalidOperationException("the queue is empty");

    /// <summary>The items from first to last (for copying a queue; not for the hot path).</summary>
    public IEnumerable<T> Items()
    {
        var block = _head;
        var index = _headIndex;
        for (var i = 0; i < Count; i++)
        {
            if (index == BlockSize)
            {
                block = block.Next!;
                index = 0;
            }

            yield return block.Items[index++];
        }
    }

    public T Dequeue()
    {
        var item = Peek();
        _head.Items[_headIndex++] = default;
        Count--;
        if (_headIndex == BlockSize && _head.Next is { } next)
        {
            _head = next;
            _headIndex = 0;
        }

        if (Count == 0)
        {
            // Head and tail share the one block left: start it over.
            _headIndex = _tailIndex = 0;
        }

        return item;
    }

    private sealed class Block
    {
        public T[] Items { get; } = new T[BlockSize];

        public Block? Next { get; set; }
    }
}
