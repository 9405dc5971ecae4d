namespace AmqpBroker.Core.Profiles;

/// <summary>The fields of /api/overview that only some releases report (rabbit_mgmt_wm_overview:to_json per tag).</summary>
[Flags]
public enum OverviewFields
{
    None = 0,

    /// <summary><c>release_series_support_status</c>: 3.x to 4.0.4.</summary>
    ReleaseSeriesSupportStatus = 1,

    /// <summary><c>is_op_policy_updating_enabled</c>: 3.12+.</summary>
    OperatorPolicyUpdating = 2,

    /// <summary><c>cluster_tags</c> and <c>node_tags</c>: 4.0.4+.</summary>
    Tags = 4,

    /// <summary><c>default_queue_type</c>, the node's (classic): 4.0.5+.</summary>
    DefaultQueueType = 8,

    /// <summary><c>crypto_lib_version</c>, the TLS library's version: 4.2.4+ (release-notes/4.2.4.md, #15468).</summary>
    CryptoLibVersion = 16,
}

/// <summary>What GET /api/auth answers (rabbit_mgmt_wm_auth), without authentication.</summary>
public enum AuthSettingsEndpoint
{
    /// <summary>3.10: <c>{"enable_uaa":false,"uaa_client_id":"","uaa_location":""}</c>.</summary>
    UaaFields,

    /// <summary>3.11 to 4.2.5: <c>{"oauth_enabled":false}</c> without OAuth 2 configured.</summary>
    OAuthEnabled,

    /// <summary>4.2.6+: no such endpoint (404).</summary>
    Removed,
}

/// <summary>How the management API shows a stream's <c>first_timestamp</c>, osiris's counter of its oldest chunk's time.</summary>
public enum StreamFirstTimestamp
{
    /// <summary>Not shown (before 4.2.8).</summary>
    Absent,

    /// <summary>4.2.8: an unset counter (0) is shown as null (rabbit_stream_queue:i/2 turns 0 into <c>''</c>).</summary>
    UnsetAsNull,

    /// <summary>4.3.2+: the counter as it is, 0 while unset.</summary>
    UnsetAsZero,
}

/// <summary>How a quorum queue orders messages by their <c>priority</c> property.</summary>
public enum QuorumPriorities
{
    /// <summary>No priorities (3.x): a quorum queue refuses <c>x-max-priority</c> and delivers in order.</summary>
    None,

    /// <summary>4.0–4.2: priority above 4 is high, the rest normal; roughly two high for one normal.</summary>
    TwoLevels,

    /// <summary>4.3: 32 strict levels (0–31, none counts as 4), the highest non-empty level first.</summary>
    Strict32,
}

/// <summary>What a shovel that cannot connect reports between its attempts (it reports <c>starting</c> during each).</summary>
public enum ShovelConnectFailureStatus
{
    /// <summary>3.10: <c>starting</c>, as during the attempt.</summary>
    Starting,

    /// <summary>3.13.2–4.1: no status at all; the shovel is not listed until its next attempt.</summary>
    Unlisted,

    /// <summary>4.2+: <c>terminated</c>, reason <c>"failed to connect to source"</c> or <c>"failed to connect to destination"</c>.</summary>
    Terminated,
}

/// <summary>How PUT /api/vhosts/{name} treats a default queue type that names no queue type.</summary>
public enum VirtualHostQueueTypeCheck
{
    /// <summary>
    /// 3.10: only a new vhost's (<c>defaultqueuetype</c>, which must be classic, quorum or stream; null, <c>""</c> and
    /// <c>undefined</c> too fail) and it fails the creation: 500, error <c>Error occured while adding vhost</c>, reason
    /// <c>invalid_queue_type</c>, no vhost (rabbit_vhost:do_add, rabbit_mgmt_wm_vhost:accept_content at v3.10.8; checked
    /// against 3.10.8). An existing vhost's request ignores the key.
    /// </summary>
    CreationFails,

    /// <summary>
    /// 3.13–4.2.7 and 4.3.0–4.3.1: a new vhost's makes rabbit_vhost:put_vhost answer <c>{error, invalid_queue_type, Type}</c>, which
    /// rabbit_mgmt_wm_vhost:accept_content has no clause for: the handler crashes and Cowboy answers 500 without a body;
    /// no vhost (v3.13.7, v4.1.8). An existing vhost's is refused as 4.2.8 refuses it (RabbitMQ stored it unchecked).
    /// </summary>
    HandlerCrashes,

    /// <summary>
    /// 4.2.8+, 4.3.2+: 400 with rabbit_queue_type:validate_default_queue_type's reason, for a new or an existing vhost:
    /// <c>default_queue_type must not be an empty string</c>, <c>T is not a valid queue type</c>, or for a number, list or
    /// object <c>T is not a valid default_queue_type value</c>; null and <c>undefined</c> mean none.
    /// </summary>
    Validated,
}

/// <summary>The form of one vhost's definitions export (<see cref="VersionProfile.DefinitionsVirtualHostExport"/>).</summary>
public enum VirtualHostDefinitionsExport
{
    /// <summary><c>rabbit_version</c> and the categories; policies and parameters keep their <c>vhost</c> (3.10, checked against 3.10.8).</summary>
    Plain,

    /// <summary>As <see cref="Plain"/>, no item has a <c>vhost</c> (3.12.0, commit 4bfe352168).</summary>
    Stripped,

    /// <summary>
    /// The version and product fields, <c>rabbitmq_definition_format</c> <c>single_virtual_host</c>, <c>original_vhost_name</c>,
    /// <c>explanation</c> <c>Definitions of virtual host '…'</c>, <c>metadata</c>, <c>description</c>, <c>default_queue_type</c>
    /// (<see cref="VersionProfile.DefinitionsExportDefaultQueueType"/>) and <c>limits</c> before the categories
    /// (release-notes/4.0.5.md, #12835).
    /// </summary>
    Described,
}

/// <summary>How a definitions import names a policy or parameter that validation refuses (<see cref="VersionProfile.DefinitionImportReason"/>).</summary>
public enum DefinitionImportReason
{
    /// <summary>
    /// The reason with <c> (vhost/name)</c> or <c> (vhost/component/name)</c> appended and <c>&lt;</c>, <c>&gt;</c>, <c>&amp;</c>
    /// HTML-escaped; the per-vhost import shows it as an Erlang binary, <c>&lt;&lt;"…"&gt;&gt;</c> (3.10).
    /// </summary>
    Escaped,

    /// <summary>As <see cref="Escaped"/>, and both imports show it as an Erlang binary (3.13.0, commit 5f0981c5a3: apply_defs formats every failure).</summary>
    EscapedAsErlangBinary,

    /// <summary>The reason as it is with <c> (vhost: "v" key: "name")</c> or <c> (vhost: "v" / component: "c" / key: "name")</c> (4.2.0, #14277).</summary>
    Labelled,
}

/// <summary>
/// The node-level management endpoints and health checks a release serves beyond those every profile has
/// (rabbit_mgmt_dispatcher:dispatcher at each tag; a path a release lacks is an unknown path there).
/// </summary>
[Flags]
public enum ManagementNodeApi
{
    None = 0,

    /// <summary>
    /// Classic queue mirroring exists: GET /api/health/checks/node-is-mirror-sync-critical and the
    /// <c>queue_slave_procs</c> memory category (v3.10.0 to v3.13.7; gone from v4.0.0, which removed mirroring).
    /// </summary>
    MirroredQueues = 1,

    /// <summary>GET /api/auth/hash_password/{password} (rabbit_mgmt_wm_hash_password, from v3.10.15 and v3.11.8; not in v3.10.8).</summary>
    HashPassword = 2,

    /// <summary>The <c>metadata_store</c> and <c>metadata_store_ets</c> memory categories (rabbit_vm:memory from v3.13.0, Khepri).</summary>
    MetadataStoreMemory = 4,

    /// <summary>GET /api/version, the bare version string, without credentials (rabbit_mgmt_wm_version, from v4.0.5).</summary>
    Version = 8,

    /// <summary>GET /api/health/checks/metadata-store/initialized[/with-data] (release-notes/4.0.6.md, Management Plugin).</summary>
    MetadataStoreChecks = 16,

    /// <summary>GET /api/health/checks/quorum-queues-without-elected-leaders/… (release-notes/4.1.0.md, Management Plugin).</summary>
    QuorumLeaderChecks = 32,

    /// <summary>
    /// GET /api/health/checks/is-in-service, ready-to-serve-clients and below-node-connection-limit, without credentials,
    /// and protocol-listener taking a comma-separated list (release-notes/4.1.1.md, Management Plugin, #13782 and #13874;
    /// commit 56cf8a094f).
    /// </summary>
    ServingChecks = 64,

    /// <summary>GET /api/health/checks/reached-target-cluster-size, without credentials (rabbit_mgmt_dispatcher from v4.2.4, #15404).</summary>
    TargetClusterSizeCheck = 128,
}
