using System.Diagnostics;
using AmqpBroker.Core.Statistics;

namespace AmqpBroker.Storage.Messages;

/// <summary>
/// The store's file operations with each read, write and fsync counted, with its bytes and time, in
/// <see cref="StorageCounters"/> (rabbitmq_io_*). A segment file reads and writes at offsets, so there are
/// no seeks to count.
/// </summary>
internal sealed class CountedFileSystem(ISegmentFileSystem files, StorageCounters counters) : ISegmentFileSystem
{
    public ISegmentFile Open(string path) => new CountedFile(files.Open(path), counters);

    public void Truncate(string path, long length) => files.Truncate(path, length);

    public void CreateDirectory(string path) => files.CreateDirectory(path);

    public void SyncDirectory(string directory)
    {
        var start = Stopwatch.GetTimestamp();
        files.SyncDirectory(directory);
        counters.OnSync(start);
    }

    private sealed class CountedFile(ISegmentFile file, StorageCounters counters) : ISegmentFile
    {
        public void Write(ReadOnlySpan<byte> data, long offset)
        {
            var start = Stopwatch.GetTimestamp();
            file.Write(data, offset);
            counters.OnWrite(data.Length, start);
        }

        public void Read(Span<byte> destination, long offset)
        {
            var start = Stopwatch.GetTimestamp();
            file.Read(destination, offset);
            counters.OnRead(destination.Length, start);
        }

        public void FlushToDisk()
        {
            var start = Stopwatch.GetTimestamp();
            file.FlushToDisk();
            counters.OnSync(start);
        }

        public void Dispose() => file.Dispose();
    }
}
