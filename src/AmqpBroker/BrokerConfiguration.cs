using AmqpBroker.Hosting;
using Microsoft.Extensions.Configuration;

namespace AmqpBroker;

/// <summary>
/// The executable's settings, later sources winning: RabbitMQ's own defaults (ports 5672, 15672 and 15692, every
/// interface, ./data), appsettings.json next to the executable and in the current directory, environment
/// variables (<c>Broker__Port</c>, and RabbitMQ's container variables <c>RABBITMQ_DEFAULT_USER</c>,
/// <c>RABBITMQ_DEFAULT_PASS</c>, <c>RABBITMQ_DEFAULT_VHOST</c>), then the command line.
/// </summary>
internal static class BrokerConfiguration
{
    /// <summary>What RabbitMQ listens on and where it keeps data; a library user's <see cref="BrokerOptions"/> defaults suit tests instead.</summary>
    private static readonly Dictionary<string, string?> ExecutableDefaults = new()
    {
        ["Broker:Port"] = "5672",
        ["Broker:ManagementPort"] = "15672",
        ["Broker:PrometheusPort"] = "15692",
        ["Broker:Bind"] = "0.0.0.0",
        ["Broker:DataDir"] = "./data",
        ["Broker:InMemory"] = "false",
    };

    /// <summary>RabbitMQ's Docker image variables and the settings they stand for.</summary>
    private static readonly (string Variable, string Key)[] ContainerVariables =
    [
        ("RABBITMQ_DEFAULT_USER", "Broker:Settings:DefaultUser"),
        ("RABBITMQ_DEFAULT_PASS", "Broker:Settings:DefaultPassword"),
        ("RABBITMQ_DEFAULT_VHOST", "Broker:Settings:DefaultVirtualHost"),
    ];

    public static IConfigurationRoot Build(IReadOnlyDictionary<string, string?> commandLine) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(ExecutableDefaults)
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(FromContainerVariables())
            .AddInMemoryCollection(commandLine)
            .Build();

    public static BrokerOptions Options(IConfiguration configuration)
    {
        var options = new BrokerOptions();
        configuration.GetSection("Broker").Bind(options);
        if (configuration["Broker:LoopbackUsers"] is { } loopbackUsers)
        {
            options.Settings = options.Settings with { LoopbackUsers = LoopbackUsers(loopbackUsers) };
        }

        return options;
    }

    /// <summary>
    /// RabbitMQ's <c>loopback_users</c>: the users that may connect only from loopback, comma-separated, or
    /// <c>none</c> (what RabbitMQ's Docker image sets for guest). A list bound from configuration could only
    /// add to the default guest, never remove it.
    /// </summary>
    private static string[] LoopbackUsers(string value) =>
        value.Trim() is "none" or "" ? [] : value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static Dictionary<string, string?> FromContainerVariables()
    {
        var values = new Dictionary<string, string?>();
        foreach (var (variable, key) in ContainerVariables)
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value)
            {
                values[key] = value;
            }
        }

        return values;
    }
}
