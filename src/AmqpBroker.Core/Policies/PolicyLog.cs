using Microsoft.Extensions.Logging;

namespace AmqpBroker.Core.Policies;

/// <summary>Policies put in force on existing queues and exchanges when policies change. Category <c>AmqpBroker.Core.Policies</c>.</summary>
internal static partial class PolicyLog
{
    public const string Category = "AmqpBroker.Core.Policies";

    [LoggerMessage(1101, LogLevel.Information, "vhost '{VirtualHost}': policy '{Policy}' applies to {Kind} '{Name}'", EventName = "PolicyApplied")]
    public static partial void PolicyApplied(ILogger logger, string virtualHost, string policy, string kind, string name);

    [LoggerMessage(1102, LogLevel.Information, "vhost '{VirtualHost}': no policy applies to {Kind} '{Name}' any more", EventName = "PolicyCleared")]
    public static partial void PolicyCleared(ILogger logger, string virtualHost, string kind, string name);

    [LoggerMessage(1103, LogLevel.Information, "vhost '{VirtualHost}': operator policy '{Policy}' applies to queue '{Name}'", EventName = "OperatorPolicyApplied")]
    public static partial void OperatorPolicyApplied(ILogger logger, string virtualHost, string policy, string name);

    [LoggerMessage(1104, LogLevel.Information, "vhost '{VirtualHost}': no operator policy applies to queue '{Name}' any more", EventName = "OperatorPolicyCleared")]
    public static partial void OperatorPolicyCleared(ILogger logger, string virtualHost, string name);
}
