using AmqpBroker.Core;
using AmqpBroker.Management.Statistics;

namespace AmqpBroker.Management;

/// <summary>What every endpoint needs besides the request: the broker, the node's name, its listeners, message rates and data directory.</summary>
internal sealed class ManagementContext(Broker broker, Func<IReadOnlyList<ManagementListener>> listeners, RateSampler rates, string? dataDirectory = null)
{
    /// <summary>The management API level we implement; tools read it to decide which calls exist.</summary>
    public const string RabbitMqVersion = "3.10.8";

    /// <summary>This broker's own version, from its assembly.</summary>
    public static string ProductVersion { get; } = typeof(ManagementContext).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public Broker Broker => broker;

    /// <summary>RabbitMQ's node name form, <c>name@host</c>.</summary>
    public string NodeName => broker.NodeName;

    public IReadOnlyList<ManagementListener> Listeners => listeners();

    public RateSampler Rates => rates;

    /// <summary>The broker's data directory, whose file system's free space is reported; null when it keeps nothing on disk.</summary>
    public string? DataDirectory => dataDirectory;

    /// <summary>Whether /api/faults is served (test brokers only).</summary>
    public bool FaultApiEnabled { get; init; }
}
