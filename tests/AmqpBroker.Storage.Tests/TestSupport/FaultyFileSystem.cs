using AmqpBroker.Storage.Messages;

namespace AmqpBroker.Storage.Tests.TestSupport;

/// <summary>The real files, except that writes and fsyncs fail with an IOException while the test says so; counts the files open.</summary>
internal sealed class FaultyFileSystem : ISegmentFileSystem
{
    private int _open;

    public bool FailWrites { get; set; }

    public bool FailSyncs { get; set; }

    private int _mostOpen;

    /// <summary>Segment files open now.</summary>
    public int OpenFiles => Volatile.Read(ref _open);

    /// <summary>The most segment files that were open at once.</summary>
    public int MostOpenFiles => Volatile.Read(ref _mostOpen);

    public ISegmentFile Open(string path)
    {
        var file = OsSegmentFileSystem.Instance.Open(path);
        var open = Interlocked.Increment(ref _open);
        InterlockedMax(ref _mostOpen, open);
        return new FaultyFile(file, this);
    }

    public void Truncate(string path, long length) => OsSegmentFileSystem.Instance.Truncate(path, length);

    public void CreateDirectory(string path) => OsSegmentFileSystem.Instance.CreateDirectory(path);

    public void SyncDirectory(string directory)
    {
        ThrowIf(FailSyncs, "fsync");
        OsSegmentFileSystem.Instance.SyncDirectory(directory);
    }

    private static void InterlockedMax(ref int location, int value)
    {
        for (var current = Volatile.Read(ref location); value > current; current = Volatile.Read(ref location))
        {
            if (Interlocked.CompareExchange(ref location, value, current) == current)
            {
                return;
            }
        }
    }

    private static void ThrowIf(bool fail, string operation)
    {
        if (fail)
        {
            throw new IOException($"injected {operation} failure");
        }
    }

    private sealed class FaultyFile(ISegmentFile inner, FaultyFileSystem owner) : ISegmentFile
    {
        public void Write(ReadOnlySpan<byte> data, long offset)
        {
            ThrowIf(owner.FailWrites, "write");
            inner.Write(data, offset);
        }

        public void Read(Span<byte> destination, long offset) => inner.Read(destination, offset);

        public void FlushToDisk()
        {
            ThrowIf(owner.FailSyncs, "fsync");
            inner.FlushToDisk();
        }

        public void Dispose()
        {
            Interlocked.Decrement(ref owner._open);
            inner.Dispose();
        }
    }
}
