namespace AmqpBroker.Core.Profiles;

/// <summary>
/// What differs between the RabbitMQ releases the broker can behave as, in one table: each release is the one
/// before it plus the differences its release notes name (rabbitmq/rabbitmq-server, release-notes/). Code that
/// decides a behaviour reads the flag here; nothing else in the broker checks a release number.
/// </summary>
public sealed partial record VersionProfile
{
    public static VersionProfile Default => For(RabbitMqRelease.Default);

    public required RabbitMqRelease Release { get; init; }

    /// <summary>What connection.start's <c>version</c> and the management API's <c>rabbitmq_version</c> report.</summary>
    public required string ReportedVersion { get; init; }

    /// <summary>exchange.declare of an unknown type: channel error 406 (3.13.3+) instead of connection error 503.</summary>
    public bool UnknownExchangeTypeIsChannelError { get; init; }

    /// <summary><c>x-queue-mode</c> is validated but has no effect: classic queues v2 page by themselves (3.12+).</summary>
    public bool QueueModeIgnored { get; init; }

    /// <summary>
    /// Classic queue storage v1 is removed (4.3): <c>x-queue-version</c> 1 is refused, and <c>x-queue-mode</c> is no
    /// longer validated (any value accepted and ignored).
    /// </summary>
    public bool ClassicQueueStorageV1Removed { get; init; }

    /// <summary>A queue-level <c>x-consumer-timeout</c> argument and <c>consumer-timeout</c> policy key exist (3.12+).</summary>
    public bool PerQueueConsumerTimeout { get; init; }

    /// <summary>Consumer timeouts apply to quorum queues only, and cancel the consumer instead of closing the channel (4.3).</summary>
    public bool ConsumerTimeoutQuorumOnly { get; init; }

    /// <summary>Streams treat basic.nack and basic.reject like basic.ack (3.13+; 540 before).</summary>
    public bool StreamNackIsAck { get; init; }

    /// <summary>
    /// A stream consume without prefetch or with no-ack is refused naming <c>stream queue 'q' ...</c> (4.0+) instead of
    /// <c>'queue 'q' ...'</c> and <c>stream queues queue 'q' ...</c>.
    /// </summary>
    public bool StreamConsumeErrorsNameStream { get; init; }

    /// <summary>Stream filtering: <c>x-stream-filter-value</c> on publish, <c>x-stream-filter</c> on consume (3.13+).</summary>
    public bool StreamFiltering { get; init; }

    /// <summary>The management API shows a stream's number of segment files as <c>segments</c> (3.13.3+).</summary>
    public bool StreamSegmentsField { get; init; }

    /// <summary>Whether and how the management API shows a stream's <c>first_timestamp</c> (4.2.8+, 4.3.2+).</summary>
    public StreamFirstTimestamp StreamFirstTimestamp { get; init; }

    /// <summary>Quorum queues deliver by message priority: two levels in 4.0–4.2, 32 strict levels in 4.3.</summary>
    public QuorumPriorities QuorumPriorities { get; init; }

    /// <summary>basic.get from a quorum queue adds <c>x-delivery-count</c> even when it is 0 (until 3.12; from 3.13 only once above 0).</summary>
    public bool QuorumGetAddsZeroDeliveryCount { get; init; } = true;

    /// <summary>The management API names a quorum queue's single active consumer <c>single_active_consumer_ctag</c> (renamed <c>..._tag</c> in 3.12).</summary>
    public bool QuorumActiveConsumerCtagField { get; init; } = true;

    /// <summary>The delivery limit a quorum queue has without argument or policy: 20 in 4.0+, none before.</summary>
    public int? QuorumDefaultDeliveryLimit { get; init; }

    /// <summary>Only failed deliveries count towards the delivery limit; explicit returns do not (4.3, with <c>x-acquired-count</c>).</summary>
    public bool DeliveryLimitCountsFailedDeliveriesOnly { get; init; }

    /// <summary>Quorum queues' delayed retry arguments <c>x-delayed-retry-type/min/max</c> (4.3).</summary>
    public bool QuorumDelayedRetry { get; init; }

    /// <summary>
    /// Consumers may pass <c>x-cancel-on-ha-failover</c> (classic) and <c>x-credit</c> (3.x); from 4.0 the queue types
    /// list x-priority (classic, quorum) and the stream filter arguments instead.
    /// </summary>
    public bool LegacyConsumerArguments { get; init; } = true;

    /// <summary>
    /// A declare without <c>x-queue-type</c> records the type it got (the vhost's default, else classic), and the
    /// management API reports the node default (classic) for a vhost without one (4.0+).
    /// </summary>
    public bool RecordsDefaultQueueType { get; init; }

    /// <summary>PUT /api/vhosts reads <c>default_queue_type</c> (with <c>defaultqueuetype</c>, 3.10's key, as a fallback) (3.11.12+).</summary>
    public bool VirtualHostApiTakesDefaultQueueType { get; init; }

    /// <summary>An existing vhost's default queue type can be changed (3.11.17+); before, only a new vhost gets one.</summary>
    public bool DefaultQueueTypeUpdatable { get; init; }

    /// <summary>The definitions export gives each vhost its description, tags, default queue type and metadata (3.13+); before, its name only.</summary>
    public bool DefinitionsExportVirtualHostMetadata { get; init; }

    /// <summary>The release-dependent fields of /api/overview.</summary>
    public OverviewFields OverviewFields { get; init; } = OverviewFields.ReleaseSeriesSupportStatus;

    /// <summary>The exchange type <c>x-local-random</c> is built in (4.0+).</summary>
    public bool LocalRandomExchange { get; init; }

    /// <summary>The exchange type <c>x-modulus-hash</c> is built in (4.3; before, only with the sharding plugin).</summary>
    public bool ModulusHashExchange { get; init; }

    /// <summary>
    /// The most <c>#</c> words a topic binding key may hold; more is refused with 406 (2 from 4.3.5, release-notes/4.3.5.md
    /// #17039, rabbit_exchange_type_topic:validate_binding); null: any number (before).
    /// </summary>
    public int? TopicBindingMaxHashWildcards { get; init; }

    /// <summary>Transient non-exclusive queues are permitted unless configured otherwise (denied by default in 4.3).</summary>
    public bool TransientNonExclusiveQueuesPermitted { get; init; } = true;

    /// <summary>basic.qos with global=true is permitted unless configured otherwise (denied by default in 4.3: treated as per-consumer).</summary>
    public bool GlobalQosPermitted { get; init; } = true;

    /// <summary>Publishing with mandatory to a direct reply-to address counts as routed: no basic.return (4.2+).</summary>
    public bool MandatoryToDirectReplyToIsRouted { get; init; }

    /// <summary>The largest frame accepted before authentication: 4096 bytes, 8192 from 4.1.</summary>
    public uint PreAuthenticationFrameMax { get; init; } = 4096;

    /// <summary>Default <c>max_message_size</c>: 128 MiB in 3.x, 16 MiB from 4.0.</summary>
    public long DefaultMaxMessageSize { get; init; } = 128L * 1024 * 1024;

    /// <summary>
    /// A published message's delivery_mode must be 1 or 2 when set, else 406 <c>invalid message:
    /// {delivery_mode_unknown,N}</c> (3.10; from 3.13 the message container takes any value).
    /// </summary>
    public bool DeliveryModeValidated { get; init; }

    /// <summary>Default <c>vm_memory_high_watermark</c> as a fraction of RAM: 0.4 in 3.x, 0.6 from 4.0.</summary>
    public double DefaultMemoryHighWatermark { get; init; } = 0.4;

    /// <summary>
    /// The management API reveals less to users without access (release-notes/4.2.9.md and 4.3.3.md, Management Plugin,
    /// #16709): a vhost the user may not use answers 404 <c>not_found</c> instead of 401 <c>not_authorised</c>; listing
    /// every user's limits needs administrator, one user's limits monitoring or being that user.
    /// </summary>
    public bool HttpApiRevealsLess { get; init; }

    /// <summary>
    /// What GET /api/auth, the unauthenticated OAuth settings endpoint, answers: UAA fields in 3.10 (checked against
    /// RabbitMQ 3.10.8), <c>oauth_enabled</c> from 3.11, and nothing from 4.2.6, which removed it (release-notes/4.2.6.md,
    /// Management Plugin, #16083; rabbit_mgmt_dispatcher at v4.2.6 and v4.3.0).
    /// </summary>
    public AuthSettingsEndpoint AuthSettingsEndpoint { get; init; }

    /// <summary>
    /// GET /api/nodes reports <c>rabbitmq_version</c>, <c>erlang_version</c>, <c>erlang_full_version</c> (release-notes/4.2.4.md,
    /// Management Plugin, #15454) and <c>crypto_lib_version</c> (#15468) per node (rabbit_mgmt_external_stats at v4.2.4).
    /// </summary>
    public bool NodeVersionFields { get; init; }

    /// <summary>
    /// The regular expression of a list's <c>name</c> filter (<c>use_regex=true</c>) may be 1024 bytes at most, else 400
    /// <c>invalid_pagination_parameters</c>, and gets a small match budget (release-notes/4.2.6.md, Management Plugin,
    /// #16074; rabbit_mgmt_util:validate_name_filter and match_value at v4.2.6).
    /// </summary>
    public bool NameFilterRegexLimited { get; init; }

    /// <summary>
    /// GET /api/definitions and /api/definitions/{vhost} carry a strong ETag (with <c>cache-control: no-cache</c>) that
    /// changes with every definition change, and answer an If-None-Match naming it with 304 and no body
    /// (release-notes/4.3.5.md, Management Plugin enhancements, #17121; rabbit_mgmt_wm_definitions:generate_etag at v4.3.5).
    /// </summary>
    public bool DefinitionsETag { get; init; }

    /// <summary>
    /// How long POST /api/exchanges/{vhost}/{name}/publish waits for its publisher confirm before answering 400
    /// <c>confirm_timeout</c>: 30 s from 4.2.9 and 4.3.3 (release-notes/4.2.9.md and 4.3.3.md, Management Plugin bug
    /// fixes, #16911; rabbit_mgmt_wm_exchange_publish DEFAULT_PUBLISH_TIMEOUT); null before, when it waited as long as the confirm took.
    /// </summary>
    public TimeSpan? HttpPublishConfirmTimeout { get; init; }

    /// <summary>
    /// The definitions export is rabbit_definitions' canonical document, as <c>rabbitmqctl export_definitions</c> makes it
    /// (4.2.9 and 4.3.3, #16734, commit 21c0553901): queues carry their <c>type</c>, internal exchanges are left out (and
    /// no exchange has <c>internal</c>), a vhost is its <c>name</c>, <c>limits</c> and <c>metadata</c> only, bindings to
    /// exclusive queues are exported (rabbit_definitions:fold_bindings keeps every explicit binding; fold_queues skips
    /// exclusive queues), and a vhost's <c>limits</c> is always an object (commit 46f38e8c66; before, <c>[]</c> when none).
    /// </summary>
    public bool DefinitionsExportCanonical { get; init; }

    /// <summary>
    /// <c>GET /api/definitions</c> marks the document as cluster-wide: <c>rabbitmq_definition_format</c> <c>cluster</c>,
    /// <c>original_cluster_name</c> and <c>explanation</c> <c>Definitions of cluster '…'</c> beside the version fields;
    /// before, the version fields only (release-notes/4.0.5.md, Management Plugin, #12835; rabbit_mgmt_wm_definitions at
    /// v4.2.9 and v4.3.5, and at v3.10.8 and v3.13.7 without them).
    /// </summary>
    public bool DefinitionsExportFormatMarkers { get; init; }

    /// <summary>
    /// What <c>GET /api/definitions/{vhost}</c> puts around the categories, and whether its policies and parameters keep
    /// their <c>vhost</c> (rabbit_mgmt_wm_definitions:vhost_definitions at v3.10.8, v3.13.7, v4.0.5, v4.1.8; checked against
    /// RabbitMQ 3.10.8): see <see cref="VirtualHostDefinitionsExport"/>.
    /// </summary>
    public VirtualHostDefinitionsExport DefinitionsVirtualHostExport { get; init; }

    /// <summary>
    /// The definitions export has <c>default_queue_type</c> beside a vhost's <c>metadata</c>: in each vhost entry
    /// (rabbit_mgmt_wm_definitions:rw_state at v3.13.7 to v4.1.0) and at the top of one vhost's document (v4.0.5 to v4.1.0);
    /// 4.1.1 dropped both (commits 09b31f6e4c and 4932d2e1d9), the metadata keeping the type, which a vhost gets when it
    /// is created from then on (rabbit_vhost:do_add) and which 4.0 injects when it exports (rabbit_queue_type:inject_dqt).
    /// </summary>
    public bool DefinitionsExportDefaultQueueType { get; init; }

    /// <summary>
    /// <c>?download=NAME</c> on the definitions export must be an HTTP token (RFC 9110 tchar only, not empty), else 400 with
    /// no body; before, any name is echoed (release-notes/4.2.8.md and 4.3.2.md, Management Plugin, #16544:
    /// "definitions export download filenames are restricted to a safe character set"; rabbit_mgmt_wm_definitions:
    /// maybe_content_disposition at v4.2.9 and v4.3.5, cow_http:ensure_token). Either way the header is
    /// <c>attachment; filename=NAME</c>, unquoted.
    /// </summary>
    public bool DefinitionsDownloadNameIsToken { get; init; }

    /// <summary>
    /// The reason of a definitions import that a policy or runtime parameter validation refuses: see
    /// <see cref="DefinitionImportReason"/> (rabbit_definitions:add_policy, add_parameter and format/1 at v3.10.8, v3.13.7,
    /// v4.1.8, v4.2.0 (commit 5f5bf81e40, #14277) and v4.3.5; 3.10.8 checked live).
    /// </summary>
    public DefinitionImportReason DefinitionImportReason { get; init; }

    /// <summary>
    /// A definitions import stops at a binding whose source or destination is missing, with the reason
    /// <c>{resources_missing,[{not_found,{resource,&lt;&lt;"V"&gt;&gt;,exchange,&lt;&lt;"X"&gt;&gt;}}]}</c>; before, such a
    /// binding is skipped without a word (rabbit_definitions:add_binding_int ignores rabbit_binding:add's error at
    /// v3.10.8, checked live; throws it from v3.13.6, commit 3c74225717, and at v4.0.5, v4.1.8, v4.2.8, v4.3.5).
    /// </summary>
    public bool DefinitionImportChecksBindings { get; init; }

    /// <summary>
    /// <c>PUT /api/parameters/…</c> and <c>PUT /api/policies/…</c> HTML-escape <c>&lt;</c>, <c>&gt;</c> and <c>&amp;</c> in
    /// a validation reason (rabbit_mgmt_wm_parameter, rabbit_mgmt_wm_policy at v3.10.8 and v4.1.8); 4.2.0 stopped
    /// (commit 5f5bf81e40, #14277).
    /// </summary>
    public bool ValidationReasonsHtmlEscaped { get; init; } = true;

    /// <summary>
    /// A passive queue.declare or exchange.declare needs any permission (configure, write or read) whose pattern matches
    /// the queue or exchange, checked before it is looked up; refused, it is the configure refusal (403) of a regular
    /// declare. Before, it needed none. release-notes/4.2.6.md (#16085: configure) and 4.2.7.md / 4.3.1.md (#16272: any);
    /// rabbit_channel:check_any_resource_access_permitted at v4.2.9 and v4.3.5.
    /// </summary>
    public bool PassiveDeclareNeedsAnyPermission { get; init; }

    /// <summary>
    /// A 403 for a permission names it first: <c>configure access to queue 'q' in vhost '/' refused for user 'u'</c> (and
    /// <c>write access to topic ...</c>); before, <c>access to ...</c>. rabbit_access_control:check_resource_access and
    /// check_topic_access at v3.12.0 (commit 77da78f478), unchanged to v4.3.5.
    /// </summary>
    public bool RefusalNamesPermission { get; init; }

    /// <summary>
    /// The HTTP API answers wrong credentials with 401 <c>{"error":"not_authorized","reason":"Not_Authorized"}</c> and no
    /// <c>www-authenticate</c> challenge: rabbit_web_dispatch_access_control:is_authorized from v3.13.0, whose
    /// not_authenticated stopped setting the challenge in v3.13.4, unchanged to v4.3.5. Before, rabbit_mgmt_util answered
    /// <c>"Login failed"</c> with the challenge (checked against RabbitMQ 3.10.8).
    /// </summary>
    public bool ApiLoginFailureIsNotAuthorized { get; init; }

    /// <summary>
    /// queue.bind and queue.unbind to a direct reply-to address (<c>amq.rabbitmq.reply-to.*</c>; the bare pseudo-queue name
    /// is not one) are refused with 403 <c>cannot bind or unbind to a volatile (direct reply-to) queue</c> before any other
    /// check. release-notes/4.2.6.md (#15935); rabbit_channel:reject_volatile_queue_as_binding_target at v4.2.9 and v4.3.5.
    /// </summary>
    public bool DirectReplyToBindingsRefused { get; init; }

    /// <summary>
    /// The largest weight (binding key) an <c>x-consistent-hash</c> binding may have, else 406 <c>The binding key must not
    /// exceed 10000</c>; none before. release-notes/4.2.6.md, Consistent Hashing Exchange Plugin (#16118).
    /// </summary>
    public int? ConsistentHashMaxBindingWeight { get; init; }

    /// <summary>
    /// <c>x-consumer-timeout</c> and <c>x-consumer-disconnected-timeout</c> must be non-negative integers when a quorum queue
    /// is declared, and <c>x-consumer-timeout</c> when a quorum consumer is started; quorum queues list
    /// <c>x-consumer-timeout</c> among their queue arguments, so other queue types refuse it. release-notes/4.3.2.md
    /// (#16557); rabbit_amqqueue:declare_args/consume_args and rabbit_quorum_queue:capabilities at v4.3.5.
    /// </summary>
    public bool ConsumerTimeoutArgumentsValidated { get; init; }

    /// <summary>
    /// rabbit_re in core (commit e5846514b1 "Extract rabbit_re", tagged v4.2.8 and v4.3.2; no release note): a policy pattern
    /// over 1024 bytes is refused (rabbit_parameter_validation:regex, <c>pattern must not exceed 1024 bytes</c>), and so is a
    /// permission or topic permission pattern (rabbit_auth_backend_internal:set_permissions, <c>{invalid_regexp, Pattern,
    /// pattern_too_long}</c>), when set, not when loaded; policy and permission matches get rabbit_re's 50,000-step
    /// budget instead of PCRE's default, a match past it still being no match (<see cref="Security.RegexLimits"/>).
    /// </summary>
    public bool CoreRegexLimited { get; init; }

    /// <summary>
    /// The <c>{username}</c> and <c>{vhost}</c> of a topic permission pattern are escaped before they are put in it, so a
    /// name's regular-expression characters match themselves (release-notes/4.2.4.md, #15442; <c>-</c> too from 4.2.9
    /// and 4.3.3: rabbit_re:escape, commit 84c8e89b84). Before, they keep their meaning.
    /// </summary>
    public bool TopicPermissionVariablesEscaped { get; init; }

    /// <summary>
    /// GET /api/queues and /api/queues/{vhost}/{name} honour <c>disable_stats=true</c> (what the management UI sends, with
    /// <c>enable_queue_totals=true</c>) with RabbitMQ 3.10.8's answer: the definition, node and state without statistics,
    /// plus the message counts with totals (rabbit_mgmt_wm_queues:basic at v3.10.8; checked with curl). Later releases
    /// answer differently (3.13: <c>state</c> <c>running</c>; 4.2.5+: <c>internal</c>, <c>internal_owner</c> and the policy
    /// fields, rabbit_mgmt_format:queue/2 and rabbit_classic_queue:format at v4.2.9) and are not modelled: their profiles
    /// answer with statistics, as without the parameter.
    /// </summary>
    public bool QueueStatsCanBeDisabled { get; init; }

    /// <summary>
    /// What PUT /api/vhosts/{name} does with a default queue type that is not a queue type's name: refused with a 400
    /// from 4.2.8 and 4.3.2 (release-notes/4.2.8.md and 4.3.2.md, #16481; rabbit_mgmt_wm_vhost:accept_content and
    /// rabbit_queue_type:validate_default_queue_type at v4.2.8); see <see cref="Profiles.VirtualHostQueueTypeCheck"/>.
    /// </summary>
    public VirtualHostQueueTypeCheck VirtualHostQueueTypeCheck { get; init; }

    /// <summary>
    /// A queue.declare of a direct reply-to address (passive or not; every release answers such a declare as a passive
    /// one) finds it only in the channel's own virtual host: rabbit_volatile_queue:declare/2 asks the owning channel
    /// <c>has_state</c>, which matches the vhost, from v4.2.0 (#14474, release-notes/4.2.0.md "Direct Reply-To for AMQP 1.0")
    /// to v4.3.5. Before, rabbit_channel:declare_fast_reply_to matched the address's key alone, in any vhost (checked
    /// against RabbitMQ 3.10.8).
    /// </summary>
    public bool DirectReplyAddressesPerVirtualHost { get; init; }

    /// <summary>
    /// The <c>content-security-policy</c> the management listener sends on its answers: rabbitmq_management's default
    /// <c>content_security_policy</c> (deps/rabbitmq_management/Makefile, PROJECT_ENV), which 4.3.4 stripped of
    /// <c>'unsafe-eval'</c> and <c>'unsafe-inline'</c> (release-notes/4.3.4.md, Management Plugin enhancements, #16916).
    /// </summary>
    public string ManagementContentSecurityPolicy { get; init; } = "script-src 'self' 'unsafe-eval' 'unsafe-inline'; object-src 'self'";

    /// <summary>
    /// The <c>cache-control</c> the management listener puts on every answer that sets none of its own (a JSON body
    /// answered by a route sets <c>no-cache</c>); null for none. rabbit_mgmt_headers:set_etag_based_cache_headers, called
    /// from every handler's init (the static files' and unknown paths' too) from v4.0.5 (commit ce760c688b) to v4.3.5.
    /// Before, only JSON bodies carried one (checked against RabbitMQ 3.10.8: none on errors, 201 or 204).
    /// </summary>
    public string? ManagementCacheControl { get; init; }

    /// <summary>
    /// A vhost named by the <c>x-vhost</c> request header (read where the path names none) must exist: one that does not
    /// is an unknown vhost, as in a path (rabbit_web_dispatch_access_control:vhost at v3.13.0). Before, the header's value
    /// was taken unchecked: an administrator's listing of it is empty, anyone else is refused (rabbit_mgmt_util:vhost at
    /// v3.10.8; checked with curl against RabbitMQ 3.10.8).
    /// </summary>
    public bool VirtualHostHeaderMustExist { get; init; }

    /// <summary>
    /// An operator policy may set <c>queue-version</c> and <c>overflow</c>, whose operator values are in force where the
    /// policy sets them too (rabbit_policies.erl from v3.13.0: commits 8c6ba6daca "Add Classic Queue version to operator
    /// policies" and cffc77d396 "Add overflow as operpolicy"; merge_policy_value/3 takes OpVal for both).
    /// Before, only the numeric limits (rabbit_policies.erl at v3.10.8; checked against RabbitMQ 3.10.8).
    /// </summary>
    public bool OperatorPolicyQueueVersionAndOverflow { get; init; }

    /// <summary>
    /// Which node-level management endpoints and health checks beyond the common ones the release serves, and which
    /// memory categories it reports (rabbit_mgmt_dispatcher and rabbit_vm:memory at v3.10.8, v3.13.7, v4.0.9, v4.1.8,
    /// v4.2.9, v4.3.5): see <see cref="ManagementNodeApi"/>.
    /// </summary>
    public ManagementNodeApi NodeApi { get; init; }

    public static IReadOnlyList<VersionProfile> All { get; } = Table();

    public static VersionProfile For(RabbitMqRelease release) =>
        All.FirstOrDefault(p => p.Release == release) ?? throw new ArgumentException($"no profile for RabbitMQ {release}", nameof(release));
}
