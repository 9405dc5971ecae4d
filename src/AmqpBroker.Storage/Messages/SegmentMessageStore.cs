using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using AmqpBroker.Core.Storage;

namespace AmqpBroker.Storage.Messages;

/// <summary>
/// Persistent messages on disk: one <see cref="SegmentLog"/> per durable queue under
/// <c>DATA_DIR/messages/</c>, named by a hash of vhost and queue name (names may hold any character and
/// run to 255 bytes, too long for a file name once escaped), and one <see cref="GroupCommitter"/> for all.
/// </summary>
public sealed class SegmentMessageStore : IMessageStore
{
    private readonly string _root;
    private readonly long _segmentSize;
    private readonly int _inMemoryLimit;
    private readonly GroupCommitter _committer = new();
    private readonly ConcurrentDictionary<string, QueueLog> _open = new(StringComparer.Ordinal);
    private long _recoveredMessages;

    /// <summary>How many ready messages a durable queue keeps in memory by default before paging persistent ones out.</summary>
    public const int DefaultInMemoryLimit = 20_000;

    public SegmentMessageStore(string dataDirectory, long segmentSize = SegmentLog.DefaultSegmentSize, int inMemoryLimit = DefaultInMemoryLimit)
    {
        _root = Path.Combine(dataDirectory, "messages");
        _segmentSize = segmentSize;
        _inMemoryLimit = inMemoryLimit;
        if (!Directory.Exists(_root))
        {
            Directory.CreateDirectory(_root);
            DirectorySync.Flush(dataDirectory);
        }
    }

    /// <summary>Messages the logs opened so far held at start.</summary>
    public long RecoveredMessages => Interlocked.Read(ref _recoveredMessages);

    public IQueueLog? OpenQueue(string virtualHost, string queue, out IReadOnlyList<RecoveredEntry> recovered)
    {
        var directory = QueueDirectory(virtualHost, queue);
        var log = new QueueLog(SegmentLog.Open(directory, out recovered, _segmentSize), _committer, _inMemoryLimit);
        Interlocked.Add(ref _recoveredMessages, recovered.Count);
        _open[directory] = log;
        return log;
    }

    public void DeleteQueue(string virtualHost, string queue)
    {
        var directory = QueueDirectory(virtualHost, queue);
        if (_open.TryRemove(directory, out var log))
        {
            log.Dispose();
        }

        SegmentLog.Destroy(directory);
    }

    public void WhenDurable(IDurabilityWaiter waiter, ulong token) => _committer.WhenDurable(waiter, token);

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

    private string QueueDirectory(string virtualHost, string queue)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(virtualHost + "\0" + queue));
        return Path.Combine(_root, Convert.ToHexStringLower(hash.AsSpan(0, 16)));
    }
}
