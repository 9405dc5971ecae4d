using System.IO.Pipelines;
using AmqpBroker.Server.Connections;

namespace AmqpBroker.Server.Tests.Connections;

[TestFixture]
public sealed class SocketBufferPoolTests
{
    [Test]
    public void A_pipe_on_the_pool_reads_a_whole_block_at_once()
    {
        using var pool = new SocketBufferPool();
        var pipe = new Pipe(new PipeOptions(pool, minimumSegmentSize: 4096));

        // Kestrel asks for half its minimum segment; the receive then fills what the pipe hands back.
        var memory = pipe.Writer.GetMemory(2048);

        Assert.That(memory.Length, Is.EqualTo(SocketBufferPool.BlockSize));
    }

    [Test]
    public void A_returned_block_is_reused()
    {
        using var pool = new SocketBufferPool();
        var first = pool.Rent();
        var array = first.Memory;
        first.Dispose();
        first.Dispose(); // the pipe disposes once; a second dispose must not return the block twice

        Assert.That(pool.RetainedCount, Is.EqualTo(1));
        using var second = pool.Rent();
        Assert.That(second.Memory.Span == array.Span, Is.True);
        Assert.That(pool.RetainedCount, Is.Zero);
    }

    [Test]
    public void Free_blocks_beyond_the_limit_are_left_to_the_collector()
    {
        using var pool = new SocketBufferPool(retainedBlocks: 2);
        var blocks = Enumerable.Range(0, 5).Select(_ => pool.Rent()).ToList();
        blocks.ForEach(block => block.Dispose());

        Assert.That(pool.RetainedCount, Is.EqualTo(2));
    }

    [Test]
    public void A_request_above_the_block_size_is_refused()
    {
        using var pool = new SocketBufferPool();

        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(SocketBufferPool.BlockSize + 1));
    }
}
