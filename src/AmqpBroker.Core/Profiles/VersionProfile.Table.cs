namespace AmqpBroker.Core.Profiles;

/// <summary>The profile table: one row per release, each the one before it plus what its release notes changed.</summary>
public sealed partial record VersionProfile
{
    private static VersionProfile[] Table()
    {
        var v310 = new VersionProfile
        {
            Release = new(3, 10),
            ReportedVersion = "3.10.8",
            DeliveryModeValidated = true, // rabbit_basic:is_message_persistent at v3.10.8, called when the message is made
            AuthSettingsEndpoint = AuthSettingsEndpoint.UaaFields, // rabbit_mgmt_wm_auth at v3.10.8
            VirtualHostQueueTypeCheck = VirtualHostQueueTypeCheck.CreationFails, // rabbit_vhost:do_add at v3.10.8 (checked)
            QueueStatsCanBeDisabled = true, // rabbit_mgmt_wm_queues:basic at v3.10.8 (checked)
            NodeApi = ManagementNodeApi.MirroredQueues, // rabbit_mgmt_dispatcher at v3.10.8 (checked: no hash_password)
        };
        var v313 = v310 with
        {
            Release = new(3, 13),
            ReportedVersion = "3.13.7",
            UnknownExchangeTypeIsChannelError = true, // release-notes/3.13.3.md, Core Server bug fixes (#11215)
            RefusalNamesPermission = true,            // rabbit_access_control:check_resource_access at v3.12.0
            ApiLoginFailureIsNotAuthorized = true,    // rabbit_web_dispatch_access_control:not_authenticated at v3.13.7
            VirtualHostApiTakesDefaultQueueType = true, // release-notes/3.11.12.md (rabbit_mgmt_wm_vhost:accept_content, #7734)
            DefaultQueueTypeUpdatable = true,         // release-notes/3.11.17.md (rabbit_vhost:put_vhost updates the metadata)
            DefinitionsExportVirtualHostMetadata = true, // rabbit_mgmt_wm_definitions:rw_state at v3.13.0
            DefinitionsVirtualHostExport = VirtualHostDefinitionsExport.Stripped, // rabbit_mgmt_wm_definitions at v3.12.0 (commit 4bfe352168)
            DefinitionsExportDefaultQueueType = true, // rabbit_mgmt_wm_definitions:rw_state at v3.13.7 (release-notes/3.13.4.md)
            DefinitionImportReason = DefinitionImportReason.EscapedAsErlangBinary, // rabbit_definitions:apply_defs at v3.13.0 (commit 5f0981c5a3)
            DefinitionImportChecksBindings = true,    // rabbit_definitions:add_binding_int at v3.13.6 (commit 3c74225717)
            OverviewFields = OverviewFields.ReleaseSeriesSupportStatus | OverviewFields.OperatorPolicyUpdating, // rabbit_mgmt_wm_overview at v3.12.0
            QueueModeIgnored = true,                  // release-notes/3.12.0.md, highlights: lazy mode no longer applies
            PerQueueConsumerTimeout = true,           // release-notes/3.12.0.md, Core Server enhancements (#5437)
            OperatorPolicyQueueVersionAndOverflow = true, // rabbit_policies.erl at v3.13.0 (commits 8c6ba6daca, cffc77d396)
            StreamNackIsAck = true,                   // 3.13.0: "treat discard and return like settle" (rabbit_stream_queue:settle)
            StreamFiltering = true,                   // release-notes/3.13.0.md, Stream Plugin enhancements (#8207)
            StreamSegmentsField = true,               // rabbit_osiris_metrics STATISTICS_KEYS at v3.13.7 (release-notes/3.13.3.md: segment count)
            DeliveryModeValidated = false,            // mc_amqpl:message at v3.13.7 (message containers) no longer checks it
            QuorumGetAddsZeroDeliveryCount = false,   // rabbit_fifo_client:add_delivery_count_header at v3.13.0 (Count > 0)
            QuorumActiveConsumerCtagField = false,    // rabbit_quorum_queue STATISTICS_KEYS at v3.12.0 (single_active_consumer_tag)
            ShovelApiAnswersParameter = true,         // release-notes/3.13.7.md, Shovel Plugin bug fixes (#12040)
            ShovelConnectFailureStatus = ShovelConnectFailureStatus.Unlisted, // release-notes/3.13.2.md, Shovel Plugin (#11101)
            ShovelApiDeletesUnlisted = true,          // release-notes/3.13.3.md, Shovel Management Plugin (#11324)
            ShovelAnyChannelCloseStops = true,        // rabbit_amqp091_shovel:handle_dest at v3.13.0 (commit 2daed29eb1)
            ShovelLostConnectionReported = true,      // rabbit_shovel_worker:terminate at v3.13.2 (commit d264babfb7, #11101)
            AuthSettingsEndpoint = AuthSettingsEndpoint.OAuthEnabled, // rabbit_mgmt_wm_auth:authSettings at v3.13.7
            VirtualHostQueueTypeCheck = VirtualHostQueueTypeCheck.HandlerCrashes, // rabbit_mgmt_wm_vhost:accept_content at v3.13.7
            QueueStatsCanBeDisabled = false, // rabbit_mgmt_format:queue/2 at v3.13.7 differs from 3.10.8; not modelled
            VirtualHostHeaderMustExist = true,        // rabbit_web_dispatch_access_control:vhost at v3.13.0
            FeatureFlagApi = FeatureFlagApi.ListedToManagementUsers | FeatureFlagApi.DeprecatedFeatures | FeatureFlagApi.DetailedQueuesEndpoint, // rabbit_mgmt_dispatcher, rabbit_mgmt_wm_feature_flags at v3.13.7
            NodeApi = ManagementNodeApi.MirroredQueues | ManagementNodeApi.HashPassword | ManagementNodeApi.MetadataStoreMemory, // rabbit_mgmt_dispatcher, rabbit_vm at v3.13.7
        };
        var v40 = v313 with
        {
            Release = new(4, 0),
            ReportedVersion = "4.0.9",
            QuorumPriorities = QuorumPriorities.TwoLevels,  // release-notes/4.0.1.md, highlights (#10637)
            QuorumDefaultDeliveryLimit = 20,                // release-notes/4.0.1.md, breaking changes (#11937)
            RecordsDefaultQueueType = true,                 // rabbit_amqqueue:augment_declare_args at v4.0.1, rabbit_queue_type:inject_dqt
            StreamConsumeErrorsNameStream = true,           // rabbit_stream_queue:consume at v4.0.1
            LegacyConsumerArguments = false,                // rabbit_{classic,quorum,stream}_queue:capabilities at v4.0.1 (classic queue mirroring removed)
            OverviewFields = OverviewFields.OperatorPolicyUpdating | OverviewFields.Tags | OverviewFields.DefaultQueueType, // rabbit_mgmt_wm_overview at v4.0.5
            LocalRandomExchange = true,                     // release-notes/4.0.1.md (rabbit_exchange_type_local_random)
            DefaultMaxMessageSize = 16L * 1024 * 1024,      // release-notes/4.0.1.md, breaking changes
            DefaultMemoryHighWatermark = 0.6,               // deps/rabbit/Makefile at v4.0.1 (#12161)
            DefinitionsExportFormatMarkers = true,          // release-notes/4.0.5.md, Management Plugin (#12835)
            DefinitionsVirtualHostExport = VirtualHostDefinitionsExport.Described, // release-notes/4.0.5.md (#12835); rabbit_mgmt_wm_definitions at v4.0.5
            ManagementCacheControl = "public, max-age=0, must-revalidate", // rabbit_mgmt_headers at v4.0.5 (commit ce760c688b)
            ShovelPredeclaredQueues = true,                 // rabbit_shovel_parameters at v4.0.0 (src-predeclared, dest-predeclared)
            NodeApi = ManagementNodeApi.HashPassword | ManagementNodeApi.MetadataStoreMemory | ManagementNodeApi.Version | ManagementNodeApi.MetadataStoreChecks, // rabbit_mgmt_dispatcher at v4.0.9 (version from 4.0.5, metadata-store from 4.0.6)
        };
        var v41 = v40 with
        {
            Release = new(4, 1),
            ReportedVersion = "4.1.8",
            PreAuthenticationFrameMax = 8192, // release-notes/4.1.0.md, breaking: initial AMQP 0-9-1 maximum frame size
            DefinitionsExportDefaultQueueType = false, // rabbit_mgmt_wm_definitions at v4.1.1 (commits 09b31f6e4c, 4932d2e1d9)
            FeatureFlagApi = v40.FeatureFlagApi | FeatureFlagApi.Levels, // rabbit_ff_extra:cli_info at v4.1.0
            VirtualHostDeletionProtection = true,      // rabbit_mgmt_dispatcher, rabbit_mgmt_wm_vhost_deletion_protection at v4.1.0
            NodeApi = v40.NodeApi | ManagementNodeApi.QuorumLeaderChecks | ManagementNodeApi.ServingChecks, // release-notes/4.1.0.md, 4.1.1.md (#13782, #13874)
        };
        var v42 = v41 with
        {
            Release = new(4, 2),
            ReportedVersion = "4.2.9",
            MandatoryToDirectReplyToIsRouted = true, // release-notes/4.2.0.md, breaking changes
            StreamFirstTimestamp = StreamFirstTimestamp.UnsetAsNull, // release-notes/4.2.8.md (#15412); rabbit_stream_queue:i/2 at v4.2.8
            HttpApiRevealsLess = true, // release-notes/4.2.9.md, 4.3.3.md (#16709); rabbit_web_dispatch_access_control, rabbit_mgmt_wm_user_limits at v4.2.9
            HttpPublishConfirmTimeout = TimeSpan.FromSeconds(30), // release-notes/4.2.9.md, Management Plugin bug fixes (#16911)
            DefinitionsExportCanonical = true, // release-notes/4.2.9.md, Management Plugin enhancements (#16734); rabbit_mgmt_wm_definitions at v4.2.9
            DefinitionsDownloadNameIsToken = true, // release-notes/4.2.8.md, Management Plugin (#16544); 4.3.2.md for 4.3
            DefinitionImportReason = DefinitionImportReason.Labelled, // rabbit_definitions:add_policy, add_parameter at v4.2.0 (commit 5f5bf81e40, #14277)
            ShovelConnectFailureStatus = ShovelConnectFailureStatus.Terminated, // rabbit_shovel_worker:terminate at v4.2.0 (commit cb47abc110, #14649)
            ValidationReasonsHtmlEscaped = false,  // rabbit_mgmt_wm_parameter, rabbit_mgmt_wm_policy at v4.2.0 (commit 5f5bf81e40, #14277)
            PassiveDeclareNeedsAnyPermission = true, // release-notes/4.2.6.md (#16085), 4.2.7.md (#16272)
            DirectReplyToBindingsRefused = true,     // release-notes/4.2.6.md (#15935)
            ConsistentHashMaxBindingWeight = 10_000, // release-notes/4.2.6.md (#16118)
            AuthSettingsEndpoint = AuthSettingsEndpoint.Removed, // release-notes/4.2.6.md, Management Plugin (#16083)
            NodeVersionFields = true, // release-notes/4.2.4.md, Management Plugin (#15454, #15468)
            OverviewFields = OverviewFields.OperatorPolicyUpdating | OverviewFields.Tags | OverviewFields.DefaultQueueType | OverviewFields.CryptoLibVersion, // release-notes/4.2.4.md (#15468)
            NameFilterRegexLimited = true, // release-notes/4.2.6.md, Management Plugin (#16074)
            ShovelApiDeleteNeedsPolicymaker = true, // release-notes/4.2.6.md, Shovel Management Plugin (#16051)
            ShovelUnknownProtocolIsAmqp091 = true, // rabbit_shovel_parameters:registered_protocol_to_atom at v4.2.9 and v4.3.3 (commit b29f05a6c3)
            ShovelInternalKeys = true, // rabbit_shovel_parameters:shovel_validation, rabbit_shovel_util:delete_shovel at v4.2.0
            ShovelArgumentsAsTables = true, // release-notes/4.2.5.md, Shovel Plugin (#8323, #8356); rabbit_shovel_util:validate_amqp_table_args at v4.2.9, v4.3.0
            CoreRegexLimited = true, // rabbit_re (commit e5846514b1, v4.2.8 and v4.3.2)
            TopicPermissionVariablesEscaped = true, // release-notes/4.2.4.md (#15442); rabbit_re:escape at v4.2.9
            VirtualHostQueueTypeCheck = VirtualHostQueueTypeCheck.Validated, // release-notes/4.2.8.md, 4.3.2.md (#16481)
            DirectReplyAddressesPerVirtualHost = true, // rabbit_volatile_queue:declare/2, rabbit_channel has_state at v4.2.0 (#14474)
            NodeApi = v41.NodeApi | ManagementNodeApi.TargetClusterSizeCheck, // rabbit_mgmt_dispatcher at v4.2.4 (#15404)
        };
        var v43 = v42 with
        {
            Release = new(4, 3),
            ReportedVersion = "4.3.5",
            QuorumPriorities = QuorumPriorities.Strict32,     // release-notes/4.3.0.md, quorum queue enhancements (#13885)
            DeliveryLimitCountsFailedDeliveriesOnly = true,   // release-notes/4.3.0.md, Core Server (#13885)
            QuorumDelayedRetry = true,                        // release-notes/4.3.0.md, Core Server (#13885)
            ConsumerTimeoutQuorumOnly = true,                 // release-notes/4.3.0.md, breaking: no consumer timeouts for classic queues and streams
            ModulusHashExchange = true,                       // release-notes/4.3.0.md, Core Server and Sharding Plugin (#15849)
            TransientNonExclusiveQueuesPermitted = false,     // release-notes/4.3.0.md, deprecated features now denied by default
            GlobalQosPermitted = false,                       // release-notes/4.3.0.md, deprecated features now denied by default
            ClassicQueueStorageV1Removed = true,              // release-notes/4.3.0.md, breaking: CQv1 removed; rabbit_amqqueue:declare_args at v4.3.0
            StreamFirstTimestamp = StreamFirstTimestamp.UnsetAsZero, // release-notes/4.3.2.md (#15412); rabbit_stream_queue:i/2 at v4.3.5
            TopicBindingMaxHashWildcards = 2,                 // release-notes/4.3.5.md, Core Server (#17039)
            ShovelDeleteAfterDuration = true,                 // release-notes/4.3.5.md, Shovel Plugin enhancements (#17055, #17064)
            ShovelConsumerName = true,                        // release-notes/4.3.0.md, Shovel Plugin (src-consumer-name)
            ShovelTopologyFailureReason = true,               // release-notes/4.3.5.md, Shovel Plugin bug fixes (#17135)
            ShovelCloseReasonUnwrapped = true,                // release-notes/4.3.5.md, Shovel Plugin bug fixes (#17028; rabbit_amqp091_shovel:unwrap_shutdown)
            DefinitionsETag = true,                           // release-notes/4.3.5.md, Management Plugin enhancements (#17121)
            ShovelApiRedactsUris = true,                      // release-notes/4.3.5.md, Shovel Plugin bug fixes (#17134)
            ConsumerTimeoutArgumentsValidated = true,         // release-notes/4.3.2.md (#16557)
            ManagementContentSecurityPolicy = "script-src 'self'; object-src 'self'", // release-notes/4.3.4.md, Management Plugin (#16916)
            FeatureFlagApi = v42.FeatureFlagApi | FeatureFlagApi.DeprecatedFeatureState, // rabbit_depr_ff_extra:cli_info0 at v4.3.0 (#14229)
        };
        return [v310, v313, v40, v41, v42, v43];
    }
}
