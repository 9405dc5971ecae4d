using System.Diagnostics;

namespace AmqpBroker.Core.Statistics;

/// <summary>
/// What the message store did since start, as rabbitmq_prometheus's node_persister_metrics count it: file
/// operations (reads, writes, fsyncs, files reopened after the open-file limit closed them) with their bytes
/// and time, and records: messages written to and read from the store, index records (delivered and settled
/// markers) written, and records read back at recovery. Counted once per file operation, and per batch of
/// records written, never per message on the publish path.
/// </summary>
public sealed class StorageCounters
{
    private long _readOps;
    private long _readBytes;
    private long _readTicks;
    private long _writeOps;
    private long _writeBytes;
    private long _writeTicks;
    private long _syncOps;
    private long _syncTicks;
    private long _reopenOps;
    private long _messagesWritten;
    private long _messagesRead;
    private long _indexWrites;
    private long _indexReads;

    public long ReadOps => Volatile.Read(ref _readOps);

    public long ReadBytes => Volatile.Read(ref _readBytes);

    public double ReadSeconds => Seconds(ref _readTicks);

    public long WriteOps => Volatile.Read(ref _writeOps);

    public long WriteBytes => Volatile.Read(ref _writeBytes);

    public double WriteSeconds => Seconds(ref _writeTicks);

    /// <summary>fsyncs of segment files and of the directories that gained files.</summary>
    public long SyncOps => Volatile.Read(ref _syncOps);

    public double SyncSeconds => Seconds(ref _syncTicks);

    /// <summary>Segment files opened again after the open-file limit had closed them.</summary>
    public long ReopenOps => Volatile.Read(ref _reopenOps);

    /// <summary>Publish records written to the queues' logs (RabbitMQ's message store writes).</summary>
    public long MessagesWritten => Volatile.Read(ref _messagesWritten);

    /// <summary>Messages read back from the logs (paged-out messages as they leave the queue, and recovered ones).</summary>
    public long MessagesRead => Volatile.Read(ref _messagesRead);

    /// <summary>Delivered and settled markers written (what RabbitMQ's queue index records).</summary>
    public long IndexWrites => Volatile.Read(ref _indexWrites);

    /// <summary>Records read back while the logs were replayed at start.</summary>
    public long IndexReads => Volatile.Read(ref _indexReads);

    /// <summary>One read of <paramref name="bytes"/> that began at <paramref name="startTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public void OnRead(long bytes, long startTimestamp) => Count(ref _readOps, ref _readBytes, bytes, ref _readTicks, startTimestamp);

    public void OnWrite(long bytes, long startTimestamp) => Count(ref _writeOps, ref _writeBytes, bytes, ref _writeTicks, startTimestamp);

    public void OnSync(long startTimestamp)
    {
        Interlocked.Increment(ref _syncOps);
        Interlocked.Add(ref _syncTicks, Stopwatch.GetTimestamp() - startTimestamp);
    }

    public void OnReopen() => Interlocked.Increment(ref _reopenOps);

    /// <summary>A batch of records reached a file: <paramref name="messages"/> publish records and <paramref name="markers"/> index records.</summary>
    public void OnRecordsWritten(int messages, int markers)
    {
        Interlocked.Add(ref _messagesWritten, messages);
        Interlocked.Add(ref _indexWrites, markers);
    }

    public void OnMessageRead() => Interlocked.Increment(ref _messagesRead);

    public void OnIndexRead(long records) => Interlocked.Add(ref _indexReads, records);

    private static void Count(ref long ops, ref long total, long bytes, ref long ticks, long startTimestamp)
    {
        Interlocked.Increment(ref ops);
        Interlocked.Add(ref total, bytes);
        Interlocked.Add(ref ticks, Stopwatch.GetTimestamp() - startTimestamp);
    }

    private static double Seconds(ref long ticks) => (double)Volatile.Read(ref ticks) / Stopwatch.Frequency;
}
