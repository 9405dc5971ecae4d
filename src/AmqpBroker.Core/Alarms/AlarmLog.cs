using Microsoft.Extensions.Logging;

namespace AmqpBroker.Core.Alarms;

/// <summary>Log messages of the resource alarms (category <c>AmqpBroker.Alarms</c>).</summary>
internal static partial class AlarmLog
{
    public const string Category = "AmqpBroker.Alarms";

    [LoggerMessage(EventId = 100, EventName = "AlarmRaised", Level = LogLevel.Warning, Message = "{Resource} alarm raised: {Consequence}")]
    public static partial void Raised(ILogger logger, AlarmResource resource, string consequence);

    [LoggerMessage(EventId = 101, EventName = "AlarmCleared", Level = LogLevel.Warning, Message = "{Resource} alarm cleared")]
    public static partial void Cleared(ILogger logger, AlarmResource resource);
}
