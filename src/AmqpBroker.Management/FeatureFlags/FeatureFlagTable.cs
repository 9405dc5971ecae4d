using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Management.FeatureFlags;

/// <summary>
/// The feature flags a default install of each release has: the <c>-rabbit_feature_flag</c> attributes of the rabbit
/// application (rabbit_core_ff and the modules beside it) and of the plugins the broker imitates (rabbitmq_management,
/// rabbitmq_management_agent; rabbitmq_prometheus, rabbitmq_shovel and rabbitmq_web_dispatch declare none), read at
/// tags v3.10.8, v3.13.7, v4.0.9, v4.1.8, v4.2.9 and v4.3.5 of rabbitmq-server. The 3.10 rows match
/// <c>GET /api/feature-flags</c> on RabbitMQ 3.10.8 (checked with curl). Each row holds for the releases it names.
/// </summary>
internal static class FeatureFlagTable
{
    /// <param name="Releases">The releases (major.minor, space-separated) whose flag this row describes.</param>
    /// <param name="Name">The flag's name.</param>
    /// <param name="Stability">stable, experimental or required, with the require or experiment level the attribute sets after a slash.</param>
    /// <param name="Desc">Its description.</param>
    internal sealed record Row(string Releases, string Name, string Stability, string Desc) : IReleaseRow
    {
        public string DocUrl { get; init; } = "";

        /// <summary>The keys of its callbacks map, space-separated.</summary>
        public string Callbacks { get; init; } = "";

        public string ProvidedBy { get; init; } = "rabbit";
    }

    /// <summary>The release's flags in name order (rabbit_ff_extra:cli_info sorts them).</summary>
    public static IEnumerable<Row> Of(RabbitMqRelease release) =>
        IReleaseRow.Of(Rows, release);

    private static readonly Row[] Rows =
    [
        new("3.10", "classic_mirrored_queue_version", "stable", "Support setting version for classic mirrored queues"),
        new("3.13 4.0", "classic_mirrored_queue_version", "required", "Support setting version for classic mirrored queues"),
        new("4.1 4.2 4.3", "classic_mirrored_queue_version", "required/hard", "Support setting version for classic mirrored queues"),
        new("3.13 4.0", "classic_queue_type_delivery_support", "required", "Bug fix for classic queue deliveries using mixed versions") { DocUrl = "https://github.com/rabbitmq/rabbitmq-server/issues/5931" },
        new("4.1 4.2 4.3", "classic_queue_type_delivery_support", "required/hard", "Bug fix for classic queue deliveries using mixed versions") { DocUrl = "https://github.com/rabbitmq/rabbitmq-server/issues/5931" },
        new("3.13 4.0 4.1 4.2", "detailed_queues_endpoint", "stable", "Add a detailed queues HTTP API endpoint. Reduce number of metrics in the default endpoint.") { ProvidedBy = "rabbitmq_management" },
        new("4.3", "detailed_queues_endpoint", "required", "Add a detailed queues HTTP API endpoint. Reduce number of metrics in the default endpoint.") { ProvidedBy = "rabbitmq_management" },
        new("3.13 4.0", "direct_exchange_routing_v2", "required", "v2 direct exchange routing implementation"),
        new("4.1 4.2 4.3", "direct_exchange_routing_v2", "required/hard", "v2 direct exchange routing implementation"),
        new("3.10", "drop_unroutable_metric", "stable", "Count unroutable publishes to be dropped in stats") { ProvidedBy = "rabbitmq_management_agent" },
        new("3.13 4.0", "drop_unroutable_metric", "required", "Count unroutable publishes to be dropped in stats") { ProvidedBy = "rabbitmq_management_agent" },
        new("4.1 4.2 4.3", "drop_unroutable_metric", "required/hard", "Count unroutable publishes to be dropped in stats") { ProvidedBy = "rabbitmq_management_agent" },
        new("3.10", "empty_basic_get_metric", "stable", "Count AMQP `basic.get` on empty queues in stats") { ProvidedBy = "rabbitmq_management_agent" },
        new("3.13 4.0", "empty_basic_get_metric", "required", "Count AMQP `basic.get` on empty queues in stats") { ProvidedBy = "rabbitmq_management_agent" },
        new("4.1 4.2 4.3", "empty_basic_get_metric", "required/hard", "Count AMQP `basic.get` on empty queues in stats") { ProvidedBy = "rabbitmq_management_agent" },
        new("3.13 4.0", "feature_flags_v2", "required", "Feature flags subsystem V2"),
        new("4.1 4.2 4.3", "feature_flags_v2", "required/hard", "Feature flags subsystem V2"),
        new("3.10", "implicit_default_bindings", "stable", "Default bindings are now implicit, instead of being stored in the database"),
        new("3.13 4.0", "implicit_default_bindings", "required", "Default bindings are now implicit, instead of being stored in the database"),
        new("4.1 4.2 4.3", "implicit_default_bindings", "required/hard", "Default bindings are now implicit, instead of being stored in the database"),
        new("3.13", "khepri_db", "experimental", "Use the new Khepri Raft-based metadata store") { Callbacks = "enable post_enable" },
        new("4.0", "khepri_db", "experimental", "New Raft-based metadata store. Fully supported as of RabbitMQ 4.0") { DocUrl = "https://www.rabbitmq.com/docs/next/metadata-store", Callbacks = "enable post_enable" },
        new("4.1", "khepri_db", "experimental/supported", "New Raft-based metadata store.") { DocUrl = "https://www.rabbitmq.com/docs/next/metadata-store", Callbacks = "enable post_enable" },
        new("4.2", "khepri_db", "stable", "New Raft-based metadata store.") { DocUrl = "https://www.rabbitmq.com/docs/next/metadata-store", Callbacks = "enable post_enable" },
        new("4.3", "khepri_db", "required", "New Raft-based metadata store.") { DocUrl = "https://www.rabbitmq.com/docs/next/metadata-store", Callbacks = "enable post_enable" },
        new("3.13 4.0", "listener_records_in_ets", "required", "Store listener records in ETS instead of Mnesia"),
        new("4.1 4.2 4.3", "listener_records_in_ets", "required/hard", "Store listener records in ETS instead of Mnesia"),
        new("3.10", "maintenance_mode_status", "stable", "Maintenance mode status"),
        new("3.13 4.0", "maintenance_mode_status", "required", "Maintenance mode status"),
        new("4.1 4.2 4.3", "maintenance_mode_status", "required/hard", "Maintenance mode status"),
        new("3.13", "message_containers", "stable", "Message containers."),
        new("4.0", "message_containers", "required", "Message containers."),
        new("4.1 4.2 4.3", "message_containers", "required/hard", "Message containers."),
        new("3.13 4.0 4.1 4.2", "message_containers_deaths_v2", "stable", "Bug fix for dead letter cycle detection") { DocUrl = "https://github.com/rabbitmq/rabbitmq-server/issues/11159" },
        new("4.3", "message_containers_deaths_v2", "required", "Bug fix for dead letter cycle detection") { DocUrl = "https://github.com/rabbitmq/rabbitmq-server/issues/11159" },
        new("3.10", "quorum_queue", "stable", "Support queues of type `quorum`") { DocUrl = "https://www.rabbitmq.com/quorum-queues.html" },
        new("3.13", "quorum_queue", "required", "Support queues of type `quorum`") { DocUrl = "https://www.rabbitmq.com/quorum-queues.html" },
        new("4.0", "quorum_queue", "required", "Support queues of type `quorum`") { DocUrl = "https://www.rabbitmq.com/docs/quorum-queues" },
        new("4.1 4.2 4.3", "quorum_queue", "required/hard", "Support queues of type `quorum`") { DocUrl = "https://www.rabbitmq.com/docs/quorum-queues" },
        new("3.13 4.0 4.1 4.2", "quorum_queue_non_voters", "stable", "Allows new quorum queue members to be added as non voters initially."),
        new("4.3", "quorum_queue_non_voters", "required", "Allows new quorum queue members to be added as non voters initially."),
        new("4.0 4.1 4.2", "rabbit_exchange_type_local_random", "stable", "Local random exchange"),
        new("4.3", "rabbit_exchange_type_local_random", "required", "Local random exchange"),
        new("4.0 4.1 4.2", "rabbitmq_4.0.0", "stable", "Allows rolling upgrades from 3.13.x to 4.0.x"),
        new("4.3", "rabbitmq_4.0.0", "required", "Allows rolling upgrades from 3.13.x to 4.0.x"),
        new("4.1 4.2", "rabbitmq_4.1.0", "stable", "Allows rolling upgrades to 4.1.x"),
        new("4.3", "rabbitmq_4.1.0", "required", "Allows rolling upgrades to 4.1.x"),
        new("4.2", "rabbitmq_4.2.0", "stable", "Allows rolling upgrades to 4.2.x") { Callbacks = "enable" },
        new("4.3", "rabbitmq_4.2.0", "required", "Allows rolling upgrades to 4.2.x") { Callbacks = "enable" },
        new("4.3", "rabbitmq_4.3.0", "stable", "Allows rolling upgrades to 4.3.x"),
        new("3.13", "restart_streams", "stable", "Support for restarting streams with optional preferred next leader argument.Used to implement stream leader rebalancing"),
        new("4.0", "restart_streams", "required", "Support for restarting streams with optional preferred next leader argument.Used to implement stream leader rebalancing"),
        new("4.1 4.2 4.3", "restart_streams", "required/hard", "Support for restarting streams with optional preferred next leader argument.Used to implement stream leader rebalancing"),
        new("3.13", "stream_filtering", "stable", "Support for stream filtering."),
        new("4.0", "stream_filtering", "required", "Support for stream filtering."),
        new("4.1 4.2 4.3", "stream_filtering", "required/hard", "Support for stream filtering."),
        new("3.10", "stream_queue", "stable", "Support queues of type `stream`") { DocUrl = "https://www.rabbitmq.com/stream.html" },
        new("3.13", "stream_queue", "required", "Support queues of type `stream`") { DocUrl = "https://www.rabbitmq.com/stream.html" },
        new("4.0", "stream_queue", "required", "Support queues of type `stream`") { DocUrl = "https://www.rabbitmq.com/docs/stream" },
        new("4.1 4.2 4.3", "stream_queue", "required/hard", "Support queues of type `stream`") { DocUrl = "https://www.rabbitmq.com/docs/stream" },
        new("3.13", "stream_sac_coordinator_unblock_group", "stable", "Bug fix to unblock a group of consumers in a super stream partition") { DocUrl = "https://github.com/rabbitmq/rabbitmq-server/issues/7743" },
        new("4.0", "stream_sac_coordinator_unblock_group", "required", "Bug fix to unblock a group of consumers in a super stream partition") { DocUrl = "https://github.com/rabbitmq/rabbitmq-server/issues/7743" },
        new("4.1 4.2 4.3", "stream_sac_coordinator_unblock_group", "required/hard", "Bug fix to unblock a group of consumers in a super stream partition") { DocUrl = "https://github.com/rabbitmq/rabbitmq-server/issues/7743" },
        new("3.13", "stream_single_active_consumer", "required", "Single active consumer for streams") { DocUrl = "https://www.rabbitmq.com/stream.html" },
        new("4.0", "stream_single_active_consumer", "required", "Single active consumer for streams") { DocUrl = "https://www.rabbitmq.com/docs/stream" },
        new("4.1 4.2 4.3", "stream_single_active_consumer", "required/hard", "Single active consumer for streams") { DocUrl = "https://www.rabbitmq.com/docs/stream" },
        new("3.13", "stream_update_config_command", "stable", "A new internal command that is used to update streams as part of a policy."),
        new("4.0", "stream_update_config_command", "required", "A new internal command that is used to update streams as part of a policy."),
        new("4.1 4.2 4.3", "stream_update_config_command", "required/hard", "A new internal command that is used to update streams as part of a policy."),
        new("4.3", "tie_binding_to_dest_with_keep_while_cond", "stable", "Use keep_while condition to tie a binding record lifetime to its destination record in Khepri") { Callbacks = "enable" },
        new("4.3", "topic_binding_projection_v4", "stable", "Enable the topic binding Khepri projection v4") { Callbacks = "enable post_enable" },
        new("4.3", "topic_binding_projection_v5", "stable", "Enable the topic binding Khepri projection v5") { Callbacks = "enable post_enable" },
        new("4.3", "track_qq_members_uids", "stable", "Track queue members UIDs in the metadata store"),
        new("3.13 4.0", "tracking_records_in_ets", "required", "Store tracking records in ETS instead of Mnesia"),
        new("4.1 4.2 4.3", "tracking_records_in_ets", "required/hard", "Store tracking records in ETS instead of Mnesia"),
        new("3.10", "user_limits", "stable", "Configure connection and channel limits for a user"),
        new("3.13 4.0", "user_limits", "required", "Configure connection and channel limits for a user"),
        new("4.1 4.2 4.3", "user_limits", "required/hard", "Configure connection and channel limits for a user"),
        new("3.10", "virtual_host_metadata", "stable", "Virtual host metadata (description, tags, etc)"),
        new("3.13 4.0", "virtual_host_metadata", "required", "Virtual host metadata (description, tags, etc)"),
        new("4.1 4.2 4.3", "virtual_host_metadata", "required/hard", "Virtual host metadata (description, tags, etc)"),
    ];
}
