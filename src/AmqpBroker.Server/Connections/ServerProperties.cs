using AmqpBroker.Core;

namespace AmqpBroker.Server.Connections;

/// <summary>
/// The server-properties table of connection.start, including the capabilities clients look for. The version is
/// the profile's RabbitMQ release (clients and tools gate features on it); the product is AmqpBroker unless the
/// settings ask for RabbitMQ's name; the cluster name is the broker's at the time (rabbit_reader:server_properties/1
/// reads rabbit_nodes:cluster_name/0 for every connection).
/// </summary>
internal static class ServerProperties
{
    /// <summary>Only the extensions this broker implements are advertised.</summary>
    private static readonly Dictionary<string, object?> Capabilities = new()
    {
        ["publisher_confirms"] = true,
        ["basic.nack"] = true,
        ["exchange_exchange_bindings"] = true,
        ["consumer_cancel_notify"] = true,
        ["connection.blocked"] = true,
        ["authentication_failure_close"] = true,
        ["per_consumer_qos"] = true,
        ["consumer_priorities"] = true,
        ["direct_reply_to"] = true,
    };

    public static IReadOnlyDictionary<string, object?> Create(BrokerSettings settings, string clusterName) => new Dictionary<string, object?>
    {
        ["product"] = settings.Product,
        ["version"] = settings.Profile.ReportedVersion,
        ["platform"] = $".NET {Environment.Version}",
        ["copyright"] = "Copyright (c) 2026 The AmqpBroker authors",
        ["information"] = "Licensed under the MIT license",
        ["cluster_name"] = clusterName,
        ["capabilities"] = Capabilities,
    };
}
