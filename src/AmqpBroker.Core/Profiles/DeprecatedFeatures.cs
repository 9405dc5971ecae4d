namespace AmqpBroker.Core.Profiles;

/// <summary>
/// Operator overrides of RabbitMQ's deprecated features, as its <c>deprecated_features.permit.NAME = true|false</c>
/// settings: null leaves the profile's default (4.3 denies both of these; earlier releases permit them).
/// </summary>
public sealed record DeprecatedFeatures
{
    /// <summary><c>deprecated_features.permit.transient_nonexcl_queues</c>: queues neither durable nor exclusive.</summary>
    public bool? PermitTransientNonExclusiveQueues { get; init; }

    /// <summary><c>deprecated_features.permit.global_qos</c>: basic.qos with global=true.</summary>
    public bool? PermitGlobalQos { get; init; }
}

/// <summary>One deprecated feature as a broker sees it: permitted by its profile's default unless the operator overrides it.</summary>
/// <param name="Name">RabbitMQ's name for it (<c>transient_nonexcl_queues</c>).</param>
/// <param name="PermittedByDefault">The profile's default: permitted until the release that denies it.</param>
/// <param name="Configured">The operator's override, if any.</param>
public readonly record struct DeprecatedFeature(string Name, bool PermittedByDefault, bool? Configured)
{
    public const string TransientNonExclusiveQueues = "transient_nonexcl_queues";
    public const string GlobalQos = "global_qos";

    public bool IsPermitted => Configured ?? PermittedByDefault;

    /// <summary>
    /// What RabbitMQ sends when the feature is used while denied (rabbit_deprecated_features:generate_warnings1,
    /// the when_denied message of the feature's deprecation phase).
    /// </summary>
    public string DeniedMessage => PermittedByDefault
        ? $"Feature `{Name}` is deprecated.\n"
          + "Its use is not permitted per the configuration (overriding the default, which is permitted):\n"
          + $"    \"deprecated_features.permit.{Name} = false\"\n"
          + "Its use will not be permitted by default in a future minor RabbitMQ version and the feature will be removed from a future major RabbitMQ version; actual versions to be determined.\n"
          + "To continue using this feature when it is not permitted by default, set the following parameter in your configuration:\n"
          + $"    \"deprecated_features.permit.{Name} = true\""
        : $"Feature `{Name}` is deprecated.\n"
          + "By default, this feature is not permitted anymore.\n"
          + "The feature will be removed from a future major RabbitMQ version, regardless of the configuration; actual version to be determined.\n"
          + "To continue using this feature when it is not permitted by default, set the following parameter in your configuration:\n"
          + $"    \"deprecated_features.permit.{Name} = true\"";

    public static DeprecatedFeature TransientNonExclusiveQueuesOf(BrokerSettings settings) =>
        new(TransientNonExclusiveQueues, settings.Profile.TransientNonExclusiveQueuesPermitted, settings.DeprecatedFeatures.PermitTransientNonExclusiveQueues);

    public static DeprecatedFeature GlobalQosOf(BrokerSettings settings) =>
        new(GlobalQos, settings.Profile.GlobalQosPermitted, settings.DeprecatedFeatures.PermitGlobalQos);
}
