namespace AmqpBroker.Core.Profiles;

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
