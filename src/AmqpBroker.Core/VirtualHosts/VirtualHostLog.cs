using Microsoft.Extensions.Logging;

namespace AmqpBroker.Core.VirtualHosts;

/// <summary>
/// What a virtual host does on its own, without a client asking for it: queues deleted by x-expires, by
/// auto-delete or with their exclusive connection, auto-delete exchanges going, and start-up recovery.
/// Category <c>AmqpBroker.Core.VirtualHosts</c>.
/// </summary>
internal static partial class VirtualHostLog
{
    public const string Category = "AmqpBroker.Core.VirtualHosts";

    [LoggerMessage(1001, LogLevel.Information, "vhost '{VirtualHost}': queue '{Queue}' deleted, unused for {ExpiresMs} ms (x-expires)", EventName = "QueueExpired")]
    public static partial void QueueExpired(ILogger logger, string virtualHost, string queue, long expiresMs);

    [LoggerMessage(1002, LogLevel.Debug, "vhost '{VirtualHost}': queue '{Queue}' deleted, its last consumer went (auto-delete)", EventName = "QueueAutoDeleted")]
    public static partial void QueueAutoDeleted(ILogger logger, string virtualHost, string queue);

    [LoggerMessage(1003, LogLevel.Debug, "vhost '{VirtualHost}': exclusive queue '{Queue}' deleted with its connection {Connection}", EventName = "ExclusiveQueueDeleted")]
    public static partial void ExclusiveQueueDeleted(ILogger logger, string virtualHost, string queue, string connection);

    [LoggerMessage(1004, LogLevel.Debug, "vhost '{VirtualHost}': exchange '{Exchange}' deleted, its last binding went (auto-delete)", EventName = "ExchangeAutoDeleted")]
    public static partial void ExchangeAutoDeleted(ILogger logger, string virtualHost, string exchange);

    [LoggerMessage(1005, LogLevel.Information, "vhost '{VirtualHost}': recovered {Exchanges} exchanges, {Queues} queues with {Messages} messages, and {Bindings} bindings", EventName = "TopologyRecovered")]
    public static partial void TopologyRecovered(ILogger logger, string virtualHost, int exchanges, int queues, long messages, int bindings);
}
