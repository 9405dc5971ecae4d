using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Management.FeatureFlags;

/// <summary>
/// The deprecated features a default install of each release has: the <c>-rabbit_deprecated_feature</c> attributes of
/// the rabbit application and rabbitmq_management_agent, read at tags v3.13.7, v4.0.9, v4.1.8, v4.2.9 and v4.3.5 of
/// rabbitmq-server (3.10 has none). None sets a <c>desc</c>, so each shows <c>""</c>. Each row holds for the releases it names.
/// </summary>
internal static class DeprecatedFeatureTable
{
    /// <summary>The release's deprecated features in name order (rabbit_depr_ff_extra:cli_info0 sorts them).</summary>
    public static IEnumerable<Row> Of(RabbitMqRelease release) =>
        IReleaseRow.Of(Rows, release);

    /// <param name="Releases">The releases (major.minor, space-separated) whose feature this row describes.</param>
    /// <param name="Name">The feature's name.</param>
    /// <param name="Phase">Its <c>deprecation_phase</c>: permitted_by_default, denied_by_default, disconnected or removed.</param>
    /// <param name="DocUrl">Its <c>doc_url</c>.</param>
    internal sealed record Row(string Releases, string Name, string Phase, string DocUrl) : IReleaseRow
    {
        /// <summary>Whether the attribute has an <c>is_feature_used</c> callback, without which the feature is never listed as used.</summary>
        public bool UseIsTracked { get; init; }

        public string ProvidedBy { get; init; } = "rabbit";

        public bool PermittedByDefault => Phase == "permitted_by_default";
    }

    private static readonly Row[] Rows =
    [
        new("4.0 4.1 4.2", "amqp_address_v1", "permitted_by_default", "https://www.rabbitmq.com/docs/amqp#addresses"),
        new("4.3", "amqp_address_v1", "denied_by_default", "https://www.rabbitmq.com/docs/amqp#addresses"),
        new("4.1 4.2", "amqp_filter_set_bug", "permitted_by_default", "https://docs.oasis-open.org/amqp/core/v1.0/os/amqp-core-messaging-v1.0-os.html#type-filter-set"),
        new("4.3", "amqp_filter_set_bug", "denied_by_default", "https://docs.oasis-open.org/amqp/core/v1.0/os/amqp-core-messaging-v1.0-os.html#type-filter-set"),
        new("3.13", "classic_queue_mirroring", "permitted_by_default", "https://blog.rabbitmq.com/posts/2021/08/4.0-deprecation-announcements/#removal-of-classic-queue-mirroring") { UseIsTracked = true },
        new("4.0 4.1 4.2 4.3", "classic_queue_mirroring", "removed", "https://blog.rabbitmq.com/posts/2021/08/4.0-deprecation-announcements/#removal-of-classic-queue-mirroring") { UseIsTracked = true },
        new("3.13 4.0 4.1 4.2", "global_qos", "permitted_by_default", "https://blog.rabbitmq.com/posts/2021/08/4.0-deprecation-announcements/#removal-of-global-qos"),
        new("4.3", "global_qos", "denied_by_default", "https://blog.rabbitmq.com/posts/2021/08/4.0-deprecation-announcements/#removal-of-global-qos"),
        new("3.13 4.0 4.1 4.2 4.3", "management_metrics_collection", "permitted_by_default", "https://blog.rabbitmq.com/posts/2021/08/4.0-deprecation-announcements/#disable-metrics-delivery-via-the-management-api--ui") { ProvidedBy = "rabbitmq_management_agent" },
        new("4.0 4.1 4.2", "queue_master_locator", "permitted_by_default", ""),
        new("4.3", "queue_master_locator", "denied_by_default", ""),
        new("3.13 4.0 4.1 4.2", "ram_node_type", "permitted_by_default", "https://blog.rabbitmq.com/posts/2021/08/4.0-deprecation-announcements/#removal-of-ram-nodes"),
        new("4.3", "ram_node_type", "removed", "https://blog.rabbitmq.com/posts/2021/08/4.0-deprecation-announcements/#removal-of-ram-nodes"),
        new("3.13", "transient_nonexcl_queues", "permitted_by_default", "https://blog.rabbitmq.com/posts/2021/08/4.0-deprecation-announcements/#removal-of-transient-non-exclusive-queues"),
        new("4.0 4.1 4.2", "transient_nonexcl_queues", "permitted_by_default", "https://blog.rabbitmq.com/posts/2021/08/4.0-deprecation-announcements/#removal-of-transient-non-exclusive-queues") { UseIsTracked = true },
        new("4.3", "transient_nonexcl_queues", "denied_by_default", "https://blog.rabbitmq.com/posts/2021/08/4.0-deprecation-announcements/#removal-of-transient-non-exclusive-queues") { UseIsTracked = true },
    ];
}
