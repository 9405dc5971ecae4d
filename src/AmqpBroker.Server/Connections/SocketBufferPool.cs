using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace AmqpBroker.Server.Connections;

/// <summary>
/// The blocks Kestrel's socket pipes read into and write from. Kestrel's own pool hands out 4 KiB blocks, so a
/// 64 KiB message took sixteen receive calls (thirty-two with the zero-byte read before each) and as many pipe
/// segments; with <see cref="BlockSize"/> blocks one receive takes what the socket holds. At most
/// <paramref name="retainedBlocks"/> free blocks are kept; a block returned beyond that is left to the GC, so
/// a burst of many busy connections does not pin its peak memory.
/// </summary>
public sealed class SocketBufferPool(int retainedBlocks = SocketBufferPool.DefaultRetainedBlocks) : MemoryPool<byte>
{
    /// <summary>One block: a 64 KiB body frame and its framing fit in two, a batch of small frames in one.</summary>
    public const int BlockSize = 64 * 1024;

    /// <summary>16 MiB of free blocks at most.</summary>
    public const int DefaultRetainedBlocks = 256;

    private readonly ConcurrentBag<Block> _free = [];
    private int _freeCount;

    public override int MaxBufferSize => BlockSize;

    /// <summary>Free blocks kept for reuse now.</summary>
    public int RetainedCount => Volatile.Read(ref _freeCount);

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        if (_free.TryTake(out var block))
        {
            Interlocked.Decrement(ref _freeCount);
            block.Lease();
            return block;
        }

        return new Block(this);
    }

    private void Return(Block block)
    {
        if (Interlocked.Increment(ref _freeCount) <= retainedBlocks)
        {
            _free.Add(block);
        }
        else
        {
            Interlocked.Decrement(ref _freeCount);
        }
    }

    protected override void Dispose(bool disposing)
    {
        while (_free.TryTake(out _))
        {
        }

        _freeCount = 0;
    }

    /// <summary>One leased block; disposing it (which the pipe does once) hands it back.</summary>
    private sealed class Block(SocketBufferPool pool) : IMemoryOwner<byte>
    {
        private readonly byte[] _array = GC.AllocateUninitializedArray<byte>(BlockSize);
        private int _leased = 1;

        public Memory<byte> Memory => _array;

        public void Lease() => _leased = 1;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _leased, 0) == 1)
            {
                pool.Return(this);
            }
        }
    }

    /// <summary>What Kestrel asks for its socket pipes (registered in the host's services).</summary>
    public sealed class Factory : IMemoryPoolFactory<byte>
    {
        public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new SocketBufferPool();
    }
}
