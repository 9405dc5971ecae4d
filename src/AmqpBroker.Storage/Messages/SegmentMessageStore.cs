using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using AmqpBroker.Core.Alarms;
using AmqpBroker.Core.Statistics;
using AmqpBroker.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AmqpBroker.Storage.Messages;

/// <summary>
/// Persistent messages on disk: one <see cref="SegmentLog"/> per durable queue under
/// <c>DATA_DIR/messages/</c>, named by a hash of vhost and queue name (names may hold any character and
/// run to 255 bytes, too long for a file name once escaped), one <see cref="GroupCommitter"/> for all, and
/// one <see cref="FileHandleCache"/> that bounds the segment files open at once by the descriptor budget.
/// A log that fails raises the disk alarm; a log this build cannot read is set aside, loudly, and its queue
/// starts empty.
/// </summary>
public sealed class SegmentMessageStore : IMessageStore
{
    /// <summary>Bytes at which a queue's log starts a new segment file.</summary>
    public const long DefaultSegmentSize = 64L * 1024 * 1024;

    /// <summary>How many ready messages a durable queue keeps in memory by default before paging persistent ones out.</summary>
    public const int DefaultInMemoryLimit = 20_000;

    private readonly string _root;
    private readonly int _inMemoryLimit;
    private readonly LogEnvironment _environment;
    private readonly GroupCommitter _committer;
    private readonly ConcurrentDictionary<string, QueueLog> _open = new(StringComparer.Ordinal);
    private readonly StorageCounters _counters = new();
    private long _recoveredMessages;
    private long _recoveredBytes;
    private int _recoveredQueues;

    public SegmentMessageStore(string dataDirectory, SegmentStoreOptions? options = null)
    {
        options ??= new SegmentStoreOptions();
        var loggers = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var resources = options.Resources ?? NodeResources.CreateDefault();
        var descriptors = resources.Descriptors;
        _root = Path.Combine(dataDirectory, "messages");
        _inMemoryLimit = options.InMemoryLimit;
        var storageLogger = loggers.CreateLogger(StorageLog.Category);
        var files = new CountedFileSystem(options.Files, _counters);
        _environment = new LogEnvironment(
            files,
            new FileHandleCache(files, () => descriptors.FileLimit, _counters),
            options.SegmentSize,
            storageLogger,
            loggers.CreateLogger(RecoveryLog.Category),
            () => resources.Alarms.Raise(AlarmResource.Disk),
            _counters);
        _committer = new GroupCommitter(storageLogger);
        StorageLog.OpenFileLimit(storageLogger, descriptors.Limit, descriptors.Reserved, descriptors.SocketLimit, descriptors.FileLimit);
        if (!Directory.Exists(_root))
        {
            Directory.CreateDirectory(_root);
            DirectorySync.Flush(dataDirectory);
        }
    }

    /// <summary>Messages the logs opened so far held at start.</summary>
    public long RecoveredMessages => Interlocked.Read(ref _recoveredMessages);

    public StorageCounters Counters => _counters;

    /// <summary>Segment files open now (bounded by the descriptor budget).</summary>
    internal int OpenFiles => _environment.Cache.OpenCount;

    public IQueueLog? OpenQueue(string virtualHost, string queue, out IReadOnlyList<RecoveredEntry> recovered)
    {
        var directory = QueueDirectory(virtualHost, queue);
        var segmentLog = OpenLog(directory, $"queue '{queue}' in vhost '{virtualHost}'", _environment, out recovered);
        var log = new QueueLog(segmentLog, _committer, _inMemoryLimit);
        _open[directory] = log;
        return log;
    }

    public IStreamLog OpenStream(string virtualHost, string stream, long segmentSize)
    {
        var directory = QueueDirectory(virtualHost, stream);
        var environment = _environment with { SegmentSize = Math.Min(segmentSize, uint.MaxValue) };
        var segmentLog = OpenLog(directory, $"stream '{stream}' in vhost '{virtualHost}'", environment, out var recovered);
        var log = new QueueLog(segmentLog, _committer, inMemoryLimit: 0);
        _open[directory] = log;
        return new StreamLog(segmentLog, log, recovered);
    }

    public void DeleteQueue(string virtualHost, string queue)
    {
        var directory = QueueDirectory(virtualHost, queue);
        if (_open.TryRemove(directory, out var log))
        {
            log.Close();
        }

        SegmentLog.Destroy(directory);
    }

    public void WhenDurable(IDurabilityWaiter waiter, ulong token) => _committer.WhenDurable(waiter, token);

    /// <summary>Logs what the queues opened so far recovered (the broker calls this once it has recovered every durable queue).</summary>
    public void ReportRecovery(TimeSpan elapsed)
    {
        var (messages, bytes, queues) = (RecoveredMessages, Interlocked.Read(ref _recoveredBytes), Volatile.Read(ref _recoveredQueues));
        RecoveryLog.Recovered(_environment.RecoveryLogger, messages, bytes, queues, (long)elapsed.TotalMilliseconds);
    }

    /// <summary>Completes outstanding syncs, then closes every log (flushing it to disk).</summary>
    public void Dispose()
    {
        _committer.Dispose();
        foreach (var log in _open.Values)
        {
            log.Dispose();
        }

        _open.Clear();
    }

    /// <summary>Opens a log; one this build cannot read is set aside, loudly, and a new empty one takes its place.</summary>
    private SegmentLog OpenLog(string directory, string name, LogEnvironment environment, out IReadOnlyList<RecoveredEntry> recovered)
    {
        SegmentLog log;
        try
        {
            log = SegmentLog.Open(directory, name, environment, out recovered);
        }
        catch (UnreadableLogException ex)
        {
            var movedTo = SetAside(directory);
            RecoveryLog.Unreadable(_environment.RecoveryLogger, name, ex.Reason, ex.Offset, ex.Segment, movedTo);
            log = SegmentLog.Open(directory, name, environment, out recovered);
        }

        CountRecovered(recovered);
        return log;
    }

    private void CountRecovered(IReadOnlyList<RecoveredEntry> recovered)
    {
        if (recovered.Count == 0)
        {
            return;
        }

        var bytes = 0L;
        foreach (var entry in recovered)
        {
            bytes += entry.BodySize;
        }

        Interlocked.Add(ref _recoveredMessages, recovered.Count);
        Interlocked.Add(ref _recoveredBytes, bytes);
        Interlocked.Increment(ref _recoveredQueues);
    }

    /// <summary>Moves an unreadable log out of the way, keeping every file, and returns where it went.</summary>
    private string SetAside(string directory)
    {
        var target = directory + ".unreadable";
        for (var attempt = 2; Directory.Exists(target); attempt++)
        {
            target = $"{directory}.unreadable-{attempt}";
        }

        Directory.Move(directory, target);
        DirectorySync.Flush(_root);
        return target;
    }

    private string QueueDirectory(string virtualHost, string queue)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(virtualHost + "\0" + queue));
        return Path.Combine(_root, Convert.ToHexStringLower(hash.AsSpan(0, 16)));
    }
}
