using Microsoft.Extensions.Logging;

namespace AmqpBroker.Server.Channels;

/// <summary>
/// The log messages of AMQP channels (category <see cref="Category"/>), source-generated with event ids
/// and names. A channel error is the client's (a missing queue, a refused permission), so it is Debug.
/// </summary>
internal static partial class ChannelLog
{
    public const string Category = "AmqpBroker.Server.Channels";

    [LoggerMessage(EventId = 10, EventName = "ChannelError", Level = LogLevel.Debug, Message = "connection {Connection}, channel {Channel}: closing with {ReplyCode}: {ReplyText}")]
    public static partial void ChannelError(ILogger logger, string connection, ushort channel, ushort replyCode, string replyText);
}
