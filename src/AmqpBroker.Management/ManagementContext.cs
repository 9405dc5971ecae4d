using AmqpBroker.Core;
using AmqpBroker.Core.Shovels;
using AmqpBroker.Management.Statistics;

namespace AmqpBroker.Management;

/// <summary>What every endpoint needs besides the request: the broker, the node's name, its listeners, message rates, data directory and shovels.</summary>
internal sealed class ManagementContext(Broker broker, Func<IReadOnlyList<ManagementListener>> listeners, RateSampler rates, string? dataDirectory = null, IShovelSupervisor? shovels = null)
{
    /// <summary>This broker's own version, from its assembly.</summary>
    public static string OwnVersion { get; } = typeof(ManagementContext).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>The RabbitMQ release the broker behaves as (its profile); tools read it to decide which calls exist.</summary>
    public string RabbitMqVersion => broker.Settings.Profile.ReportedVersion;

    /// <summary>The product name reported (<see cref="BrokerSettings.Product"/>).</summary>
    public string ProductName => broker.Settings.Product;

    /// <summary>The product's version: RabbitMQ's when the broker reports itself as RabbitMQ, else its own.</summary>
    public string ProductVersion => ProductName == Core.Profiles.ProductNames.RabbitMq ? RabbitMqVersion : OwnVersion;

    public Broker Broker => broker;

    /// <summary>RabbitMQ's node name form, <c>name@host</c>.</summary>
    public string NodeName => broker.NodeName;

    /// <summary>The cluster's name: the <c>cluster_name</c> global parameter, else the node's name.</summary>
    public string ClusterName => broker.GlobalParameters.ClusterName;

    public IReadOnlyList<ManagementListener> Listeners => listeners();

    public RateSampler Rates => rates;

    /// <summary>The broker's data directory, whose file system's free space is reported; null when it keeps nothing on disk.</summary>
    public string? DataDirectory => dataDirectory;

    /// <summary>The broker's shovels, when the host runs the shovel component.</summary>
    public IShovelSupervisor? Shovels => shovels;

    /// <summary>Whether /api/faults is served (test brokers only).</summary>
    public bool FaultApiEnabled { get; init; }
}
