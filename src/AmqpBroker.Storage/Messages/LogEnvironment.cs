using AmqpBroker.Core.Statistics;
using Microsoft.Extensions.Logging;

namespace AmqpBroker.Storage.Messages;

/// <summary>
/// What every log of a store shares: the file operations, the bounded cache of open files, the segment
/// size, the loggers, what to do when a log fails (the store raises the disk alarm), and the counters of
/// what the logs write and read (none in tests that do not look).
/// </summary>
internal sealed record LogEnvironment(
    ISegmentFileSystem Files,
    FileHandleCache Cache,
    long SegmentSize,
    ILogger StorageLogger,
    ILogger RecoveryLogger,
    Action OnFailure,
    StorageCounters? Counters = null);
