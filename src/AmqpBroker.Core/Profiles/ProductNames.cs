namespace AmqpBroker.Core.Profiles;

/// <summary>The names the broker can report as its product (<see cref="BrokerSettings.Product"/>).</summary>
public static class ProductNames
{
    public const string AmqpBroker = "AmqpBroker";

    /// <summary>What RabbitMQ reports; some clients switch features on it.</summary>
    public const string RabbitMq = "RabbitMQ";
}
