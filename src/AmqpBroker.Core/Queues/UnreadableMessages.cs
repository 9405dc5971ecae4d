using Microsoft.Extensions.Logging;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// What a queue does with a paged message its store cannot give back (a disk read error, bytes that are not the
/// message): it skips the message and logs it here (category <c>AmqpBroker.Core.Queues</c>), so one bad record
/// neither stops the queue nor reaches whoever asked for the message (a consumer, basic.get, expiry, a snapshot).
/// A message the queue's log holds is not settled there: it comes back at the next start. One only in the
/// temporary file is lost.
/// </summary>
internal sealed partial class UnreadableMessages(ILogger log, string virtualHost, string queue)
{
    public const string Category = "AmqpBroker.Core.Queues";

    /// <summary>Whether <paramref name="exception"/> is how a store says a message cannot be read back (see <see cref="Storage.IQueueLog.Read"/>).</summary>
    public static bool IsReadFailure(Exception exception) => exception is IOException or InvalidDataException;

    /// <summary>A message could not be read back; <paramref name="removed"/> when it left the queue, <paramref name="logged"/> when its log still has it.</summary>
    public void Report(bool removed, bool logged, Exception exception)
    {
        var outcome = !removed ? "left out of the copy; it stays in the queue"
            : logged ? "skipped; it stays in the queue's log and comes back at the next start"
            : "skipped and lost: only the queue's temporary file had it";
        MessageUnreadable(log, virtualHost, queue, outcome, exception);
    }

    [LoggerMessage(1301, LogLevel.Error, "vhost '{VirtualHost}': a message of queue '{Queue}' could not be read back from disk and was {Outcome}", EventName = "MessageUnreadable")]
    private static partial void MessageUnreadable(ILogger logger, string virtualHost, string queue, string outcome, Exception exception);
}
