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
    private FileOperationTally _reads;
    private FileOperationTally _writes;
    private FileOperationTally _syncs;
    private long _reopenOps;
    private long _messagesWritten;
    private long _messagesRead;
    private long _indexWrites;
    private long _indexReads;

    public long ReadOps => _reads.Operations;

    public long ReadBytes => _reads.Bytes;

    public double ReadSeconds => _reads.Seconds;

    public long WriteOps => _writes.Operations;

    public long WriteBytes => _writes.Bytes;

    public double WriteSeconds => _writes.Seconds;

    /// <summary>fsyncs of segment files and of the directories that gained files.</summary>
    public long SyncOps => _syncs.Operations;

    public double SyncSeconds => _syncs.Seconds;

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
    public void OnRead(long bytes, long startTimestamp) => _reads.Count(bytes, startTimestamp);

    public void OnWrite(long bytes, long startTimestamp) => _writes.Count(bytes, startTimestamp);

    public void OnSync(long startTimestamp) => _syncs.Count(0, startTimestamp);

    public void OnReopen() => Interlocked.Increment(ref _reopenOps);

    /// <summary>A batch of records reached a file: <paramref name="messages"/> publish records and <paramref name="markers"/> index records.</summary>
    public void OnRecordsWritten(int messages, int markers)
    {
        Interlocked.Add(ref _messagesWritten, messages);
        Interlocked.Add(ref _indexWrites, markers);
    }

    public void OnMessageRead() => Interlocked.Increment(ref _messagesRead);

    public void OnIndexRead(long records) => Interlocked.Add(ref _indexReads, records);
}
