namespace AmqpBroker.Core.Profiles;

/// <summary>What differs between releases in the management API's feature flags, deprecated features and vhost deletion protection.</summary>
public sealed partial record VersionProfile
{
    /// <summary>
    /// How <c>/api/feature-flags</c> and <c>/api/deprecated-features</c> answer (rabbit_mgmt_dispatcher,
    /// rabbit_mgmt_wm_feature_flags, rabbit_mgmt_wm_deprecated_features, rabbit_ff_extra:cli_info and
    /// rabbit_depr_ff_extra:cli_info0 per tag); the flags themselves are per release in the management API's table.
    /// </summary>
    public FeatureFlagApi FeatureFlagApi { get; init; }

    /// <summary>
    /// A vhost can be protected from deletion (<c>/api/vhosts/{vhost}/deletion/protection</c>, the metadata's
    /// <c>protected_from_deletion</c>), and deleting a protected one is refused (rabbit_mgmt_dispatcher, vhost:info_keys
    /// and rabbit_vhost:delete at v4.1.0). Before, the path is unknown and the key is not read.
    /// </summary>
    public bool VirtualHostDeletionProtection { get; init; }
}

/// <summary>What the release's feature flag and deprecated feature endpoints, and the endpoint the detailed_queues_endpoint flag brings, do beyond 3.10.8's <c>GET /api/feature-flags</c>.</summary>
[Flags]
public enum FeatureFlagApi
{
    /// <summary>3.10.8: /api/feature-flags for administrators only, with name, desc, doc_url, state, stability and provided_by.</summary>
    None = 0,

    /// <summary>Any management user may list the feature flags (rabbit_mgmt_wm_feature_flags:is_authorized at v3.13.7).</summary>
    ListedToManagementUsers = 1,

    /// <summary><c>/api/deprecated-features</c> and <c>/api/deprecated-features/used</c> exist (rabbit_mgmt_dispatcher at v3.13.7).</summary>
    DeprecatedFeatures = 2,

    /// <summary>A flag also shows <c>require_level</c>, <c>experiment_level</c> and <c>callbacks</c> (rabbit_ff_extra:cli_info at v4.1.0).</summary>
    Levels = 4,

    /// <summary>
    /// A deprecated feature listed in full shows its <c>state</c>, <c>permitted</c> or <c>denied</c> (rabbit_deprecated_features:list(all)
    /// at v4.3.0, #14229; omitted from <c>/used</c>, commit d2a3a60cd1).
    /// </summary>
    DeprecatedFeatureState = 8,

    /// <summary>
    /// <c>/api/queues/detailed</c> exists, the list with every statistic (rabbit_mgmt_dispatcher and rabbit_mgmt_wm_queues
    /// at v3.13.7, behind the detailed_queues_endpoint flag; before, the path is vhost <c>detailed</c>'s queue list).
    /// </summary>
    DetailedQueuesEndpoint = 16,
}
