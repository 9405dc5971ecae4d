using Microsoft.Extensions.Logging;

namespace AmqpBroker.Shovel;

/// <summary>What shovels log, under the category <c>AmqpBroker.Shovel</c>.</summary>
internal static partial class ShovelLog
{
    public const string Category = "AmqpBroker.Shovel";

    [LoggerMessage(Level = LogLevel.Information, Message = "Shovel '{Name}' in virtual host '{VirtualHost}' is running")]
    public static partial void Running(ILogger logger, string name, string virtualHost);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shovel '{Name}' in virtual host '{VirtualHost}' could not connect: {Reason}")]
    public static partial void ConnectFailed(ILogger logger, string name, string virtualHost, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Shovel '{Name}' in virtual host '{VirtualHost}' is stopping, reason: {Reason}")]
    public static partial void Terminated(ILogger logger, string name, string virtualHost, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Shovel '{Name}' in virtual host '{VirtualHost}' is stopping ({Failure}); its status stays until it restarts")]
    public static partial void StoppedUnreported(ILogger logger, string name, string virtualHost, string failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shovel '{Name}' has src-delete-after-duration of {Seconds} seconds, adjusting to the minimum allowed {Floor} seconds")]
    public static partial void DurationRaised(ILogger logger, string name, long seconds, long floor);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shovel '{Name}' in virtual host '{VirtualHost}' is stopping (it was configured to autodelete and transfer is completed)")]
    public static partial void Completed(ILogger logger, string name, string virtualHost);
}
