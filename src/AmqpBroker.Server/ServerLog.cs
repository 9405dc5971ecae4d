using Microsoft.Extensions.Logging;

namespace AmqpBroker.Server;

/// <summary>The AMQP server's log messages, source-generated.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(1, LogLevel.Information, "accepting AMQP connection {Connection}")]
    public static partial void ConnectionAccepted(ILogger logger, string connection);

    [LoggerMessage(2, LogLevel.Information, "connection {Connection}: user '{User}' authenticated and granted access to vhost '{VirtualHost}'")]
    public static partial void ConnectionOpened(ILogger logger, string connection, string user, string virtualHost);

    [LoggerMessage(3, LogLevel.Information, "closing AMQP connection {Connection}")]
    public static partial void ConnectionClosed(ILogger logger, string connection);

    [LoggerMessage(4, LogLevel.Information, "connection {Connection}: client closed it ({ReplyCode} {ReplyText})")]
    public static partial void ClientClosed(ILogger logger, string connection, ushort replyCode, string replyText);

    [LoggerMessage(5, LogLevel.Warning, "connection {Connection}: closing with {ReplyCode}: {ReplyText}")]
    public static partial void ConnectionError(ILogger logger, string connection, ushort replyCode, string replyText);

    [LoggerMessage(6, LogLevel.Warning, "connection {Connection}: aborted: {Reason}")]
    public static partial void ConnectionAborted(ILogger logger, string connection, string reason);

    [LoggerMessage(7, LogLevel.Information, "connection {Connection}: lost: {Reason}")]
    public static partial void ConnectionLost(ILogger logger, string connection, string reason);

    [LoggerMessage(8, LogLevel.Warning, "connection {Connection}: bad protocol header {Header}")]
    public static partial void BadProtocolHeader(ILogger logger, string connection, string header);

    [LoggerMessage(9, LogLevel.Warning, "connection {Connection}: login refused: {Reason}")]
    public static partial void LoginRefused(ILogger logger, string connection, string reason);

    [LoggerMessage(10, LogLevel.Information, "connection {Connection}, channel {Channel}: closing with {ReplyCode}: {ReplyText}")]
    public static partial void ChannelError(ILogger logger, string connection, ushort channel, ushort replyCode, string replyText);

    [LoggerMessage(12, LogLevel.Warning, "connection {Connection}: frame error before tune-ok, closing the socket: {Reason}")]
    public static partial void HandshakeFrameError(ILogger logger, string connection, string reason);

    [LoggerMessage(11, LogLevel.Error, "connection {Connection}: internal error")]
    public static partial void InternalError(ILogger logger, string connection, Exception exception);
}
