using Microsoft.Extensions.Logging;

namespace AmqpBroker.Server.Connections;

/// <summary>
/// The log messages of AMQP connections (category <see cref="Category"/>), source-generated with event
/// ids and names. A client's fault is Information, as it is the client's to fix; only our own bugs are errors.
/// </summary>
internal static partial class ConnectionLog
{
    public const string Category = "AmqpBroker.Server.Connections";

    [LoggerMessage(EventId = 1, EventName = "ConnectionAccepted", Level = LogLevel.Information, Message = "accepting AMQP connection {Connection}")]
    public static partial void ConnectionAccepted(ILogger logger, string connection);

    [LoggerMessage(EventId = 2, EventName = "ConnectionOpened", Level = LogLevel.Information, Message = "connection {Connection}: user '{User}' authenticated and granted access to vhost '{VirtualHost}'")]
    public static partial void ConnectionOpened(ILogger logger, string connection, string user, string virtualHost);

    [LoggerMessage(EventId = 3, EventName = "ConnectionClosed", Level = LogLevel.Information, Message = "closing AMQP connection {Connection}")]
    public static partial void ConnectionClosed(ILogger logger, string connection);

    [LoggerMessage(EventId = 4, EventName = "ClientClosed", Level = LogLevel.Information, Message = "connection {Connection}: client closed it ({ReplyCode} {ReplyText})")]
    public static partial void ClientClosed(ILogger logger, string connection, ushort replyCode, string replyText);

    [LoggerMessage(EventId = 5, EventName = "ConnectionError", Level = LogLevel.Information, Message = "connection {Connection}: closing with {ReplyCode}: {ReplyText}")]
    public static partial void ConnectionError(ILogger logger, string connection, ushort replyCode, string replyText);

    [LoggerMessage(EventId = 6, EventName = "ConnectionAborted", Level = LogLevel.Information, Message = "connection {Connection}: aborted: {Reason}")]
    public static partial void ConnectionAborted(ILogger logger, string connection, string reason);

    [LoggerMessage(EventId = 7, EventName = "ConnectionLost", Level = LogLevel.Information, Message = "connection {Connection}: lost: {Reason}")]
    public static partial void ConnectionLost(ILogger logger, string connection, string reason);

    [LoggerMessage(EventId = 8, EventName = "BadProtocolHeader", Level = LogLevel.Information, Message = "connection {Connection}: bad protocol header {Header:X16}")]
    public static partial void BadProtocolHeader(ILogger logger, string connection, ulong header);

    /// <summary>A Warning, with the peer's address, so that guessing shows in the log (RabbitMQ logs refused logins as errors).</summary>
    [LoggerMessage(EventId = 9, EventName = "LoginRefused", Level = LogLevel.Warning, Message = "login refused for {Peer}: {Mechanism} user '{User}': {Reason} (answer held back {DelayMs} ms)")]
    public static partial void LoginRefused(ILogger logger, string peer, string mechanism, string user, string reason, double delayMs);

    [LoggerMessage(EventId = 11, EventName = "InternalError", Level = LogLevel.Error, Message = "connection {Connection}: internal error")]
    public static partial void InternalError(ILogger logger, string connection, Exception exception);

    [LoggerMessage(EventId = 12, EventName = "HandshakeFailed", Level = LogLevel.Information, Message = "connection {Connection}: handshake failed, closing the socket: {Reason}")]
    public static partial void HandshakeFailed(ILogger logger, string connection, string reason);

    [LoggerMessage(EventId = 13, EventName = "Undecodable", Level = LogLevel.Information, Message = "connection {Connection}: cannot decode what the client sent: {Reason}")]
    public static partial void Undecodable(ILogger logger, string connection, string reason);

    [LoggerMessage(EventId = 14, EventName = "ConsumerTimedOut", Level = LogLevel.Warning, Message = "connection {Connection}, channel {Channel}: a delivery was not acknowledged within the consumer timeout ({Timeout} ms)")]
    public static partial void ConsumerTimedOut(ILogger logger, string connection, ushort channel, long timeout);
}
