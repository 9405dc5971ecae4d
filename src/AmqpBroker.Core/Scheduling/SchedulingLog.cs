using Microsoft.Extensions.Logging;

namespace AmqpBroker.Core.Scheduling;

/// <summary>
/// Work the broker's timers run that failed (category <c>AmqpBroker.Core.Scheduling</c>). A timer callback that
/// throws would end the process, so each piece of timed work is run behind a guard that logs here and lets the
/// timer go on with the rest.
/// </summary>
internal static partial class SchedulingLog
{
    public const string Category = "AmqpBroker.Core.Scheduling";

    [LoggerMessage(1201, LogLevel.Error, "{Work} failed; the broker goes on", EventName = "TimedWorkFailed")]
    public static partial void TimedWorkFailed(ILogger logger, string work, Exception exception);
}
