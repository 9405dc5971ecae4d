using AmqpBroker.Core.Alarms;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Storage.Messages;

/// <summary>How a <see cref="SegmentMessageStore"/> lays out its logs, how many files it keeps open, and where it reports.</summary>
public sealed class SegmentStoreOptions
{
    /// <summary>Bytes at which a queue's log starts a new segment file (at most 4 GiB: a location keeps the offset in 32 bits).</summary>
    public long SegmentSize { get; init; } = SegmentMessageStore.DefaultSegmentSize;

    /// <summary>How many ready messages a queue keeps in memory before paging (persistent ones of durable queues to their logs, the others to temporary files).</summary>
    public int InMemoryLimit { get; init; } = SegmentMessageStore.DefaultInMemoryLimit;

    /// <summary>The descriptor budget that bounds open segment files, and the alarms (a failed write raises the disk alarm).</summary>
    public NodeResources? Resources { get; init; }

    /// <summary>Where the store logs (failures, truncations, the recovery summary); nothing is logged without one.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>The file operations of the logs; tests put a fault-injecting one here.</summary>
    internal ISegmentFileSystem Files { get; init; } = OsSegmentFileSystem.Instance;
}
