namespace AmqpBroker.Core.Profiles;

/// <summary>What differs between releases in the shovel plugin: the keys a dynamic shovel takes, what its status shows, and its API.</summary>
public sealed partial record VersionProfile
{
    /// <summary>
    /// Dynamic shovels take <c>src-delete-after-duration</c>, a number of seconds (at least RabbitMQ's default floor of
    /// 60) after which a running shovel deletes its own parameter (release-notes/4.3.5.md, Shovel TTL, #17055/#17064);
    /// before, the key is refused as unknown.
    /// </summary>
    public bool ShovelDeleteAfterDuration { get; init; }

    /// <summary>
    /// Dynamic shovels take <c>src-predeclared</c> and <c>dest-predeclared</c> (booleans): the end's queue must exist and
    /// is only declared passively, for users who may not declare queues (rabbit_shovel_parameters at v4.0.0:
    /// src_check_queue, dest_check; rabbit_amqp091_shovel at v4.3.5); before 4.0 the keys are refused as unknown.
    /// </summary>
    public bool ShovelPredeclaredQueues { get; init; }

    /// <summary>
    /// Dynamic shovels take <c>src-consumer-name</c>, the consumer tag of the source consumer (release-notes/4.3.0.md,
    /// Shovel Plugin; rabbit_amqp091_shovel at v4.3.0); before 4.3 the key is refused as unknown.
    /// </summary>
    public bool ShovelConsumerName { get; init; }

    /// <summary>
    /// A shovel whose topology setup (declare, bind, consume) fails reports <c>failed to set up topology</c> as its
    /// reason (release-notes/4.3.5.md, Shovel Plugin, #17135; rabbit_shovel_worker:handle_cast(init_shovel) at v4.3.5).
    /// </summary>
    public bool ShovelTopologyFailureReason { get; init; }

    /// <summary>
    /// A shovel channel the server closes stops the shovel whatever the reply code, its status reason the reply text as an
    /// Erlang binary (rabbit_amqp091_shovel:handle_source/handle_dest from v3.13.0, commit 2daed29eb1, "if destination
    /// exchange isn't present ... shovel won't automatically reconnect"); before, only a 406 does, and any other close is
    /// ignored: the shovel stays <c>running</c> with the channel gone (rabbit_amqp091_shovel at v3.10.8; checked against
    /// RabbitMQ 3.10.8 publishing to a missing exchange: the message stays unacknowledged on-confirm, is acked on-publish).
    /// </summary>
    public bool ShovelAnyChannelCloseStops { get; init; }

    /// <summary>
    /// The status reason of a shovel whose connection the server closed is <c>{server_initiated_close,Code,Text}</c>, no
    /// longer inside <c>{shutdown,…}</c> (release-notes/4.3.5.md, Shovel Plugin, "Reduced log noise" #17028:
    /// rabbit_amqp091_shovel:unwrap_shutdown at v4.3.5, commit 64cbf70934); before, <c>{shutdown,{server_initiated_close,…}}</c>
    /// (checked against RabbitMQ 3.10.8; rabbit_shovel_worker:terminate/2 at v3.13.7 to v4.3.4).
    /// </summary>
    public bool ShovelCloseReasonUnwrapped { get; init; }

    /// <summary>
    /// <c>GET /api/shovels/vhost/{vhost}/{name}</c> answers the shovel's runtime parameter (release-notes/3.13.7.md,
    /// Shovel Plugin, #12040; rabbit_shovel_mgmt_shovel:to_json); before, the status of every shovel in that vhost
    /// (rabbit_shovel_mgmt:to_json at v3.10.8, filtered by vhost only).
    /// </summary>
    public bool ShovelApiAnswersParameter { get; init; }

    /// <summary>
    /// That parameter's <c>src-uri</c> and <c>dest-uri</c> come without credentials and query string
    /// (release-notes/4.3.5.md, Shovel Plugin, #17134; rabbit_shovel_parameters:redact_uris_in_definition at v4.3.5).
    /// </summary>
    public bool ShovelApiRedactsUris { get; init; }

    /// <summary>
    /// What <c>/api/shovels</c> shows of a shovel that cannot connect, between its attempts: <c>starting</c> (3.10), nothing
    /// (3.13.2+, whose worker drops its status when it stops: release-notes/3.13.2.md #11101, rabbit_shovel_worker:terminate
    /// at v3.13.2), or <c>terminated</c> with a reason (rabbit_shovel_worker:terminate at v4.2.0, commit cb47abc110, #14649).
    /// </summary>
    public ShovelConnectFailureStatus ShovelConnectFailureStatus { get; init; }

    /// <summary>
    /// <c>DELETE /api/shovels/vhost/{vhost}/{name}</c> of a shovel without a status (e.g. unlisted between connection
    /// attempts) deletes its parameter and answers 204 whether there was one or not (release-notes/3.13.3.md, Shovel
    /// Management Plugin, #11324; rabbit_shovel_mgmt:resource_exists at v3.13.7); before, 404.
    /// </summary>
    public bool ShovelApiDeletesUnlisted { get; init; }

    /// <summary>
    /// <c>DELETE /api/shovels/vhost/{vhost}/{name}</c> (and <c>…/restart</c>) needs the policymaker (or administrator) tag,
    /// else 401 <c>User not authorised to access object</c>; before, monitoring (release-notes/4.2.6.md, Shovel Management
    /// Plugin, #16051; rabbit_shovel_mgmt_shovel:is_authorized at v4.2.6, v4.2.9, v4.3.0 and v4.3.5).
    /// </summary>
    public bool ShovelApiDeleteNeedsPolicymaker { get; init; }

    /// <summary>
    /// An unknown <c>src-protocol</c>/<c>dest-protocol</c> string is read as amqp091, so the shovel is validated as an AMQP
    /// 0-9-1 one and the value refused as not one of the registered protocols (rabbit_shovel_parameters:
    /// registered_protocol_to_atom at v4.2.9 and v4.3.3, commit b29f05a6c3); an atom (true, false, null) still finds no
    /// protocol and crashes. Before, any value other than amqp10 or amqp091 crashes protocols/1 (case_clause, checked on
    /// RabbitMQ 3.10.8: 500 without a body).
    /// </summary>
    public bool ShovelUnknownProtocolIsAmqp091 { get; init; }

    /// <summary>
    /// <c>src-queue-args</c>, <c>dest-queue-args</c> and <c>src-consumer-args</c> are read as AMQP tables: arguments RabbitMQ
    /// does not know pass, a null value or a non-empty list crashes (rabbit_shovel_util:validate_amqp_table_args,
    /// release-notes/4.2.5.md #8323/#8356, and 4.3.0). Before, they are proplists checked against
    /// rabbit_amqqueue:declare_args/consume_args: unknown keys are refused as <c>Unrecognised terms</c>, known ones pass
    /// whatever their value (their checks' two-element errors are dropped by flatten_errors), checked on RabbitMQ 3.10.8.
    /// </summary>
    public bool ShovelArgumentsAsTables { get; init; }

    /// <summary>
    /// A shovel whose connection is lost without a close (the socket closed, amqp_network_connection's
    /// <c>socket_closed_unexpectedly</c>) reports it as its status reason: <c>"socket closed"</c> (rabbit_shovel_worker:terminate/2
    /// from v3.13.2, commit d264babfb7, release-notes/3.13.2.md #11101, to v4.3.4), <c>socket_closed_unexpectedly</c> on 4.3.5
    /// (<see cref="ShovelCloseReasonUnwrapped"/>: the reason arrives unwrapped and is reported as it is). Before, terminate/2
    /// reports nothing and the status stays <c>running</c> until the worker restarts after its reconnect delay (v3.10.8 to
    /// v3.13.1; checked against RabbitMQ 3.10.8 dropping its shovel's source connection at the TCP level).
    /// </summary>
    public bool ShovelLostConnectionReported { get; init; }

    /// <summary>
    /// Dynamic shovels take <c>internal</c> (a boolean) and <c>internal_owner</c> (a map of <c>name</c>, <c>kind</c>
    /// exchange or queue, and <c>virtual_host</c>) (rabbit_shovel_parameters:shovel_validation and validate_internal_owner
    /// from v4.2.0); <c>DELETE /api/shovels/vhost/{vhost}/{name}</c> of an internal shovel that has a status answers 405
    /// <c>Protected</c> (text/plain) and keeps it (rabbit_shovel_util:delete_shovel, needs_force_delete;
    /// rabbit_shovel_mgmt_shovel:delete_resource at v4.2.0 to v4.3.5). Before, both keys are refused as unknown.
    /// </summary>
    public bool ShovelInternalKeys { get; init; }
}
