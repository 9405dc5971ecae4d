using AmqpBroker.Storage.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AmqpBroker.Storage.Tests.TestSupport;

/// <summary>What a test needs to open a <see cref="SegmentLog"/> on its own, outside a store.</summary>
internal static class TestLogs
{
    public const string Name = "queue 'q' in vhost '/'";

    public static LogEnvironment Environment(long segmentSize = SegmentMessageStore.DefaultSegmentSize, ISegmentFileSystem? files = null, ILoggerFactory? loggers = null, Action? onFailure = null)
    {
        files ??= OsSegmentFileSystem.Instance;
        loggers ??= NullLoggerFactory.Instance;
        return new LogEnvironment(
            files,
            new FileHandleCache(files, () => 64),
            segmentSize,
            loggers.CreateLogger(StorageLog.Category),
            loggers.CreateLogger(RecoveryLog.Category),
            onFailure ?? (() => { }));
    }
}
