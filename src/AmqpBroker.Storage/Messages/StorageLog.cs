using Microsoft.Extensions.Logging;

namespace AmqpBroker.Storage.Messages;

/// <summary>Log messages of the message store at run time (category <see cref="Category"/>).</summary>
internal static partial class StorageLog
{
    public const string Category = "AmqpBroker.Storage";

    [LoggerMessage(EventId = 200, EventName = "LogWriteFailed", Level = LogLevel.Error,
        Message = "{Log}: {Operation} of {Segment} failed; the log is marked failed, confirms that depend on it are nacked and the disk alarm is raised")]
    public static partial void LogFailed(ILogger logger, string log, string operation, string segment, Exception exception);

    [LoggerMessage(EventId = 201, EventName = "CommitRoundFailed", Level = LogLevel.Error,
        Message = "a group commit round failed unexpectedly; its {Waiters} waiting confirms are nacked")]
    public static partial void CommitRoundFailed(ILogger logger, int waiters, Exception exception);

    [LoggerMessage(EventId = 202, EventName = "SegmentNotDeleted", Level = LogLevel.Warning,
        Message = "{Log}: the settled segment {Segment} could not be deleted")]
    public static partial void SegmentNotDeleted(ILogger logger, string log, string segment, Exception exception);

    [LoggerMessage(EventId = 204, EventName = "TransientPagingFailed", Level = LogLevel.Error,
        Message = "{Queue}: {Operation} of the temporary file {Segment} failed; its transient messages stay in memory until the queue empties, and the disk alarm is raised")]
    public static partial void TransientPagingFailed(ILogger logger, string queue, string operation, string segment, Exception exception);

    [LoggerMessage(EventId = 203, EventName = "OpenFileLimit", Level = LogLevel.Information,
        Message = "file descriptors: limit {Limit}, {Reserved} reserved, AMQP sockets at most {Sockets}; segment files share what the sockets leave ({Files} now)")]
    public static partial void OpenFileLimit(ILogger logger, long limit, long reserved, int sockets, int files);
}
