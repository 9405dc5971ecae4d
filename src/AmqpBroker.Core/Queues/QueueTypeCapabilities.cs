using System.Collections.Frozen;
using AmqpBroker.Core.Profiles;

namespace AmqpBroker.Core.Queues;

/// <summary>
/// What one queue type accepts, as RabbitMQ's <c>capabilities()</c> of each queue type module lists it: its
/// name in error texts (<c>rabbit_quorum_queue</c>), the queue and consumer arguments it has, and whether a
/// server-named declaration may create one. An argument some other type has is refused by this one with
/// <c>invalid arg 'K' for queue 'q' in vhost '/' of queue type rabbit_..._queue</c>; an argument no type
/// has is ignored. The lists keep RabbitMQ's order, in which a redeclaration's arguments are compared.
/// </summary>
internal sealed record QueueTypeCapabilities(string Module, IReadOnlyList<string> QueueArgumentNames, IReadOnlyList<string> ConsumerArgumentNames, bool ServerNamed)
{
    public FrozenSet<string> QueueArguments { get; } = QueueArgumentNames.ToFrozenSet(StringComparer.Ordinal);

    public FrozenSet<string> ConsumerArguments { get; } = ConsumerArgumentNames.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Classic queue storage v1 is gone (4.3): <c>x-queue-version</c> 2 only, <c>x-queue-mode</c> no longer validated.</summary>
    public bool StorageV1Removed { get; init; }

    /// <summary>
    /// The consumer timeout arguments this type has are validated as non-negative integers (4.3.2,
    /// <see cref="VersionProfile.ConsumerTimeoutArgumentsValidated"/>); before, any value was taken.
    /// </summary>
    public bool ValidatesConsumerTimeouts { get; init; }

    /// <summary>rabbit_classic_queue:capabilities() at v3.10.8 (queue arguments unchanged to 4.2; consumer arguments x-priority only from 4.0).</summary>
    public static QueueTypeCapabilities Classic(VersionProfile profile) => new(
        "rabbit_classic_queue",
        ["x-expires", "x-message-ttl", "x-dead-letter-exchange", "x-dead-letter-routing-key", "x-max-length",
            "x-max-length-bytes", "x-max-priority", "x-overflow", "x-queue-mode", "x-queue-version",
            "x-single-active-consumer", "x-queue-type", "x-queue-master-locator"],
        profile.LegacyConsumerArguments ? ["x-cancel-on-ha-failover", "x-priority", "x-credit"] : ["x-priority"],
        ServerNamed: true)
    {
        StorageV1Removed = profile.ClassicQueueStorageV1Removed,
    };

    /// <summary>
    /// rabbit_quorum_queue:capabilities() at v3.10.8 (identical to v4.2.0); v4.3.0 adds the delayed retry and
    /// consumer-disconnected-timeout arguments and the x-consumer-timeout consumer argument; v4.3.2 (#16557) adds
    /// x-consumer-timeout to the queue arguments too.
    /// </summary>
    public static QueueTypeCapabilities Quorum(VersionProfile profile)
    {
        string[] arguments =
        [
            "x-dead-letter-exchange", "x-dead-letter-routing-key", "x-dead-letter-strategy", "x-expires", "x-max-length",
            "x-max-length-bytes", "x-max-in-memory-length", "x-max-in-memory-bytes", "x-overflow",
            "x-single-active-consumer", "x-queue-type", "x-quorum-initial-group-size", "x-delivery-limit",
            "x-message-ttl", "x-queue-leader-locator",
        ];
        string[] delayedRetry =
        [
            "x-consumer-disconnected-timeout", .. profile.ConsumerTimeoutArgumentsValidated ? ["x-consumer-timeout"] : Array.Empty<string>(),
            "x-delayed-retry-type", "x-delayed-retry-min", "x-delayed-retry-max",
        ];
        string[] consumer = profile.LegacyConsumerArguments ? ["x-priority", "x-credit"] : ["x-priority"];
        return new(
            "rabbit_quorum_queue",
            [.. arguments, .. profile.QuorumDelayedRetry ? delayedRetry : []],
            [.. consumer, .. profile.ConsumerTimeoutQuorumOnly ? ["x-consumer-timeout"] : Array.Empty<string>()],
            ServerNamed: false)
        {
            ValidatesConsumerTimeouts = profile.ConsumerTimeoutArgumentsValidated,
        };
    }

    /// <summary>rabbit_stream_queue:capabilities() at v3.10.8 (queue arguments unchanged to 4.3); the filter consumer arguments from v4.0.1.</summary>
    public static QueueTypeCapabilities Stream(VersionProfile profile) => new(
        "rabbit_stream_queue",
        ["x-max-length-bytes", "x-queue-type", "x-max-age", "x-stream-max-segment-size-bytes", "x-initial-cluster-size", "x-queue-leader-locator"],
        profile.LegacyConsumerArguments ? ["x-stream-offset", "x-credit"] : ["x-stream-offset", "x-stream-filter", "x-stream-match-unfiltered"],
        ServerNamed: false);
}

/// <summary>Every queue and consumer argument some registered queue type has: the ones another type refuses rather than ignores.</summary>
internal sealed record KnownArguments(FrozenSet<string> Queue, FrozenSet<string> Consumer)
{
    public static KnownArguments Of(params QueueTypeCapabilities[] types) => new(
        types.SelectMany(t => t.QueueArguments).ToFrozenSet(StringComparer.Ordinal),
        types.SelectMany(t => t.ConsumerArguments).ToFrozenSet(StringComparer.Ordinal));
}
