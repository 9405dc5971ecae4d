using Microsoft.Win32.SafeHandles;

namespace AmqpBroker.Storage.Messages;

/// <summary>
/// The file operations a segment log performs that can fail under it (writes, fsyncs, cutting a damaged
/// tail, creating directories), behind an interface so that tests can make them fail on demand.
/// </summary>
internal interface ISegmentFileSystem
{
    /// <summary>Opens a segment for reading and writing, creating it when it does not exist.</summary>
    ISegmentFile Open(string path);

    /// <summary>Cuts the file at <paramref name="path"/> to <paramref name="length"/> bytes, durably.</summary>
    void Truncate(string path, long length);

    void CreateDirectory(string path);

    /// <summary>Makes the entries of <paramref name="directory"/> durable (files created or removed in it).</summary>
    void SyncDirectory(string directory);
}

/// <summary>One open segment file; reads and writes name their offset, so the handle keeps no position.</summary>
internal interface ISegmentFile : IDisposable
{
    void Write(ReadOnlySpan<byte> data, long offset);

    /// <summary>Fills <paramref name="destination"/> from <paramref name="offset"/>; the bytes must be there.</summary>
    void Read(Span<byte> destination, long offset);

    /// <summary>fsync: everything written so far survives a power loss.</summary>
    void FlushToDisk();
}

/// <summary>The operating system's files.</summary>
internal sealed class OsSegmentFileSystem : ISegmentFileSystem
{
    public static readonly OsSegmentFileSystem Instance = new();

    private OsSegmentFileSystem()
    {
    }

    public ISegmentFile Open(string path) =>
        new OsSegmentFile(File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete));

    public void Truncate(string path, long length)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        RandomAccess.SetLength(handle, length);
        RandomAccess.FlushToDisk(handle);
    }

    public void CreateDirectory(string path) => Directory.CreateDirectory(path);

    public void SyncDirectory(string directory) => DirectorySync.Flush(directory);

    private sealed class OsSegmentFile(SafeFileHandle handle) : ISegmentFile
    {
        public void Write(ReadOnlySpan<byte> data, long offset) => RandomAccess.Write(handle, data, offset);

        public void Read(Span<byte> destination, long offset)
        {
            while (!destination.IsEmpty)
            {
                var read = RandomAccess.Read(handle, destination, offset);
                if (read == 0)
                {
                    throw new EndOfStreamException($"segment ends before offset {offset}");
                }

                destination = destination[read..];
                offset += read;
            }
        }

        public void FlushToDisk() => RandomAccess.FlushToDisk(handle);

        public void Dispose() => handle.Dispose();
    }
}
