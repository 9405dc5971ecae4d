using System.Globalization;

namespace AmqpBroker.Storage.Messages;

/// <summary>
/// Where the queues of a store page the messages their logs do not keep: <c>DATA_DIR/transient/</c>, emptied
/// at start (nothing in it outlives its process) and at shutdown. Each queue's files are named by a number
/// the directory hands out, not by the queue's name, since a name may be declared again while the old queue's
/// files are still going.
/// </summary>
internal sealed class TransientDirectory
{
    private readonly string _root;
    private long _lastQueue;

    public TransientDirectory(string dataDirectory, LogEnvironment environment, MemoryPressure pressure, int inMemoryLimit)
    {
        _root = Path.Combine(dataDirectory, "transient");
        Environment = environment;
        Pressure = pressure;
        InMemoryLimit = inMemoryLimit;
        Empty();
        Directory.CreateDirectory(_root);
    }

    public LogEnvironment Environment { get; }

    public MemoryPressure Pressure { get; }

    public int InMemoryLimit { get; }

    public TransientPages Open(string virtualHost, string queue) => new(this, Interlocked.Increment(ref _lastQueue), virtualHost, queue);

    public string SegmentPath(long queueNumber, long segmentNumber) =>
        Path.Combine(_root, string.Create(CultureInfo.InvariantCulture, $"{queueNumber}-{segmentNumber}.tmp"));

    /// <summary>Deletes whatever is left (files of a previous run, or of queues still open at shutdown).</summary>
    public void Empty()
    {
        try
        {
            if (Directory.Exists(_root))
            {
                Directory.Delete(_root, recursive: true);
            }
        }
        catch (Exception ex) when (SegmentWriter.IsFileError(ex))
        {
            StorageLog.SegmentNotDeleted(Environment.StorageLogger, "temporary files", _root, ex);
        }
    }
}
