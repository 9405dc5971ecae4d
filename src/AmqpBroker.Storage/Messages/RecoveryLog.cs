using Microsoft.Extensions.Logging;

namespace AmqpBroker.Storage.Messages;

/// <summary>Log messages of recovering the message store at start (category <see cref="Category"/>).</summary>
internal static partial class RecoveryLog
{
    public const string Category = "AmqpBroker.Storage.Recovery";

    [LoggerMessage(EventId = 300, EventName = "Recovered", Level = LogLevel.Information,
        Message = "recovered {Messages} persistent messages ({Bytes} bytes of bodies) in {Queues} durable queues in {ElapsedMs} ms")]
    public static partial void Recovered(ILogger logger, long messages, long bytes, int queues, long elapsedMs);

    [LoggerMessage(EventId = 301, EventName = "TailCut", Level = LogLevel.Warning,
        Message = "{Log}: cut a torn or damaged tail off {Segment} at offset {Offset} ({Bytes} bytes); nothing after it was confirmed")]
    public static partial void TailCut(ILogger logger, string log, string segment, long offset, long bytes);

    [LoggerMessage(EventId = 302, EventName = "LogUnreadable", Level = LogLevel.Error,
        Message = "{Log}: messages not recovered: {Reason} at offset {Offset} of {Segment} (written by a newer build?); its files were moved to {MovedTo} and the queue starts empty")]
    public static partial void Unreadable(ILogger logger, string log, string reason, long offset, string segment, string movedTo);
}
